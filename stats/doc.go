// Package stats computes design-based survey estimates the way R's survey
// package (Lumley, version 4.1 as shipped by Debian) does: weighted means,
// proportions, totals and ratios with Taylor-linearised standard errors for
// stratified, clustered designs with a finite population correction, design
// effects, domain (svyby) estimates, post-stratification and raking,
// svyciprop-style confidence intervals, a verdict against a threshold and a
// sample-size planner.
//
// The package is pure: no I/O, no context, no globals. Rows reach it either as
// a slice (NewSurvey) or one at a time through a Builder, which keeps only
// per-PSU, per-domain sums for uncalibrated designs, so a server can answer
// from a database cursor without holding the rows. Calibrated designs
// (post-stratification, raking) need the rows for the calibrated variance and
// the Builder keeps them.
//
// Variance follows svyrecvar for one-stage ("ultimate cluster") designs:
// with-replacement PSU totals within strata, scaled by the stratum's finite
// population correction, lonely PSUs handled per LonelyPSU. Clusters are
// nested in strata (nest = TRUE): the same PSU label in two strata names two
// PSUs.
package stats
