import { loadNestWithDeferredDateFormats } from './defer-nest-date-formats';
import { holdNewSpaceGrowth } from './new-space-limit';

// Imported first by main.ts, for its side effects: both have to happen before the application's
// modules load (see each function). The configuration decides the rest after (main.ts).
holdNewSpaceGrowth();
loadNestWithDeferredDateFormats();
