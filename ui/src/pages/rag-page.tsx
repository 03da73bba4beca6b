import { useState, type FormEvent } from 'react';
import { api, type RagCollection, type RagHit } from '../api';
import { Empty, ErrorNote, Loading, Section } from '../components/feedback';
import { formatBytes, formatNumber } from '../format';
import { useAction, useApi } from '../hooks';

interface IndexResult {
  collection: string;
  documents: { id: string; chunks: string[] }[];
  chunks_indexed: number;
}

function parseMetadata(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('Metadata must be a JSON object, e.g. {"team": "finance"}');
  return parsed as Record<string, unknown>;
}

export function RagPage() {
  const stats = useApi<{ collections: RagCollection[] }>('/v1/rag/stats');
  const collections = stats.data?.collections ?? [];
  const indexing = useAction();
  const searching = useAction();
  const deleting = useAction();
  const [collection, setCollection] = useState('docs');
  const [documentId, setDocumentId] = useState('');
  const [content, setContent] = useState('');
  const [metadata, setMetadata] = useState('');
  const [indexed, setIndexed] = useState<IndexResult>();
  const [searchCollection, setSearchCollection] = useState('');
  const [query, setQuery] = useState('');
  const [topK, setTopK] = useState('5');
  const [hits, setHits] = useState<{ collection: string; results: RagHit[] }>();

  const index = async (event: FormEvent) => {
    event.preventDefault();
    const result = await indexing.run(() =>
      api<IndexResult>('/v1/rag/index', {
        method: 'POST',
        body: {
          collection,
          documents: [
            {
              ...(documentId ? { id: documentId } : {}),
              content,
              metadata: parseMetadata(metadata),
            },
          ],
        },
      }),
    );
    if (result) {
      setIndexed(result);
      setSearchCollection(result.collection);
      await stats.reload();
    }
  };

  const search = async (event: FormEvent) => {
    event.preventDefault();
    const target = searchCollection || collections[0]?.name || collection;
    const result = await searching.run(() =>
      api<{ collection: string; results: RagHit[] }>('/v1/rag/search', {
        method: 'POST',
        body: { collection: target, query, top_k: Number(topK) },
      }),
    );
    if (result) setHits(result);
  };

  const dropCollection = async (name: string) => {
    if (!window.confirm(`Delete collection ${name} and every document in it?`)) return;
    await deleting.run(() =>
      api(`/v1/rag/collections/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    );
    await stats.reload();
  };

  return (
    <>
      <h1>RAG</h1>
      <Section
        title="Collections"
        actions={
          <button
            type="button"
            className="secondary"
            onClick={() => void stats.reload()}
            disabled={stats.loading}
          >
            Refresh
          </button>
        }
      >
        <ErrorNote message={stats.error ?? deleting.error} />
        {!stats.data && stats.loading ? <Loading /> : null}
        {stats.data && collections.length === 0 ? (
          <Empty>No collection yet: index a document below.</Empty>
        ) : null}
        {collections.length > 0 ? (
          <table className="table" aria-label="Collections">
            <thead>
              <tr>
                <th>Collection</th>
                <th className="number">Documents</th>
                <th className="number">Chunks</th>
                <th className="number">Dimensions</th>
                <th>Embedding model</th>
                <th className="number">On disk</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {collections.map((entry) => (
                <tr key={entry.name} data-collection={entry.name}>
                  <td>
                    <strong>{entry.name}</strong>
                  </td>
                  <td className="number">{formatNumber(entry.documents)}</td>
                  <td className="number">{formatNumber(entry.chunks)}</td>
                  <td className="number">{entry.dimensions}</td>
                  <td>{entry.embedding_model}</td>
                  <td className="number">{formatBytes(entry.bytes_on_disk)}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={deleting.busy}
                      onClick={() => void dropCollection(entry.name)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <Section title="Index a document">
        <form
          className="form-grid"
          onSubmit={(event) => void index(event)}
          aria-label="Index a document"
        >
          <label>
            Collection
            <input
              name="collection"
              value={collection}
              onChange={(event) => setCollection(event.target.value)}
              required
            />
          </label>
          <label>
            Document id (optional)
            <input
              name="document_id"
              value={documentId}
              title="Indexing the same id again replaces the document"
              onChange={(event) => setDocumentId(event.target.value)}
            />
          </label>
          <label className="wide">
            Text
            <textarea
              name="content"
              rows={6}
              value={content}
              onChange={(event) => setContent(event.target.value)}
              required
            />
          </label>
          <label className="wide">
            Metadata (optional JSON object)
            <input
              name="metadata"
              value={metadata}
              placeholder='{"team": "finance"}'
              onChange={(event) => setMetadata(event.target.value)}
            />
          </label>
          <div className="form-actions wide">
            <button type="submit" disabled={indexing.busy || content.trim() === ''}>
              {indexing.busy ? 'Indexing…' : 'Index'}
            </button>
          </div>
        </form>
        <ErrorNote message={indexing.error} />
        {indexed ? (
          <p className="success" role="status">
            Indexed into <strong>{indexed.collection}</strong>:{' '}
            {indexed.documents
              .map((document) => `${document.id} (${document.chunks.length} chunks)`)
              .join(', ')}
            .
          </p>
        ) : null}
      </Section>
      <Section title="Search">
        <form
          className="form-grid"
          onSubmit={(event) => void search(event)}
          aria-label="Search a collection"
        >
          <label>
            Collection
            <select
              name="search_collection"
              value={searchCollection}
              onChange={(event) => setSearchCollection(event.target.value)}
            >
              {collections.length === 0 ? <option value="">—</option> : null}
              {collections.map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Results
            <input
              name="top_k"
              type="number"
              min={1}
              max={100}
              value={topK}
              onChange={(event) => setTopK(event.target.value)}
            />
          </label>
          <label className="wide">
            Query
            <input
              name="query"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              required
            />
          </label>
          <div className="form-actions wide">
            <button type="submit" disabled={searching.busy || query.trim() === ''}>
              {searching.busy ? 'Searching…' : 'Search'}
            </button>
          </div>
        </form>
        <ErrorNote message={searching.error} />
        {hits && hits.results.length === 0 ? <Empty>No match in {hits.collection}.</Empty> : null}
        {hits && hits.results.length > 0 ? (
          <ol className="hits" aria-label="Search results">
            {hits.results.map((hit) => (
              <li key={hit.id} data-chunk={hit.id}>
                <div className="hit-header">
                  <span className="score" data-score={hit.score}>
                    {hit.score.toFixed(4)}
                  </span>
                  <span>
                    source <strong>{hit.document_id}</strong> · chunk <code>{hit.id}</code>
                  </span>
                  {Object.keys(hit.metadata).length ? (
                    <code className="muted small">{JSON.stringify(hit.metadata)}</code>
                  ) : null}
                </div>
                <p>{hit.content}</p>
              </li>
            ))}
          </ol>
        ) : null}
      </Section>
    </>
  );
}
