/**
 * The criteria `lead.by` may name (src/pipeline/choose-lead.ts applies them), here so the config
 * schema and the pipeline share them without importing each other.
 */
export const LEAD_CRITERIA = ['coverage', 'priority', 'image', 'recency'] as const;
export type LeadCriterion = (typeof LEAD_CRITERIA)[number];
/** A story several feeds carry, then feed priority, then recency. */
export const DEFAULT_LEAD_RULE: readonly LeadCriterion[] = ['coverage', 'priority', 'recency'];
