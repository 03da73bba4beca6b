import type { DocumentMetadata, MetadataFilter } from './rag-types';

export function matchesMetadataFilter(metadata: DocumentMetadata, filter: MetadataFilter): boolean {
  return Object.entries(filter).every(([key, value]) => metadata[key] === value);
}
