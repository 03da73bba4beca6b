import { useState } from 'react';
import type { IssuedKey } from '../api';

/**
 * A new key, shown this once: the gateway stores only its hash. Copying uses the Clipboard API;
 * where it is refused, the text is selected for Ctrl+C instead.
 */
export function IssuedKeyPanel({
  issued,
  tenantName,
  onDismiss,
  onUse,
}: {
  issued: IssuedKey;
  tenantName: string;
  onDismiss: () => void;
  onUse: (key: string) => void;
}) {
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopied('Copied.');
    } catch {
      const field = document.getElementById('issued-key') as HTMLInputElement | null;
      field?.select();
      setCopied('Copying was refused by the browser: the key is selected, press Ctrl+C.');
    }
  };
  return (
    <div className="issued" role="region" aria-label="New API key">
      <strong>New key for {tenantName}: copy it now, it will not be shown again.</strong>
      <div className="issued-row">
        <input
          id="issued-key"
          readOnly
          value={issued.key}
          aria-label="API key"
          onFocus={(event) => event.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={() => onUse(issued.key)}>
          Try in playground
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copied ? <p className="muted small">{copied}</p> : null}
    </div>
  );
}
