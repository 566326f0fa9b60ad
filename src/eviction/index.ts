/** Which pods rebalancing and preemption may evict: one pure rule, reasons as data. */
export * from './evictability.js';
