/** The timeline: event types, the append-only store, the reader and the event schema. */
export * from './events.js';
export { TimelinePathError, TimelineWriteError } from './errors.js';
export { openTimeline, newRunId, STALE_LOCK_MS, type OpenTimelineOptions, type TimelineStore } from './store.js';
export { parseTimeline, readTimeline, readTimelineSync, TIMELINE_EVENT_TYPES, type TimelineReadResult } from './reader.js';
export { isTimelineEvent, timelineEventJsonSchema, timelineEventSchema, validateTimelineEvent, type TimelineValidation } from './schema.js';
