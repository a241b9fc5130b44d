// Package growth decides whether a resource sampled at regular intervals
// during a soak test keeps growing: the test that tells a leak from the
// wobble of a healthy process.
//
// # The rule
//
// Check takes the samples taken after the warmup, in order, and splits
// them into thirds: the first n/3, the last n/3 (rounded down, at least
// one each) and the middle, the rest. Let A, B and C be the medians of the
// first, middle and last thirds. The series keeps growing when all of
// these hold:
//
//  1. C - A > max(Rule.Slack, Rule.RelSlack × A): the typical value at the
//     end is above the typical value at the start by more than the rule
//     allows. Medians, not means or extremes, so one odd sample (a
//     garbage collection that had not yet run, a page the scavenger had
//     not yet returned) moves nothing.
//  2. A ≤ B ≤ C: the thirds rise in order. A rise that the middle third
//     does not share is a bump, not a trend.
//  3. T > 0 and T ≥ Rule.MinTrend, where T is Kendall's tau of the samples
//     against their order: over every pair of samples, the share taken
//     later and higher minus the share taken later and lower, from -1
//     (always falling) through 0 to 1 (strictly rising). It is what
//     "monotonic-ish" means here: a steady leak has T near 1, a flat
//     series that wobbles has T near 0, and a single step up two thirds
//     of the way through has T near 0.44.
//
// # Choosing a rule
//
// A count that must not move at all (open descriptors, goroutines, held
// connections) takes the zero Rule: any rise of the last third over the
// first, ordered and upward, is growth, so a count that steps up and stays
// up fails even once. A measure that moves by itself, like resident
// memory under a garbage collector, takes a slack of a few percent or a
// megabyte and a MinTrend of about 0.5, so that plateaus and sawtooth
// wobble pass and a steady climb does not.
package growth
