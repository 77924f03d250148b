# Compares R's per-district results (bench.R) with the portal's JSON.
#   Rscript compare.R R.csv PORTAL.json
suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
r <- read.csv(args[1], stringsAsFactors = FALSE)
p <- fromJSON(args[2])$estimates
m <- merge(r, p, by = c("indicator", "domain"), suffixes = c(".r", ".p"))
stopifnot(nrow(m) == nrow(r), nrow(m) == nrow(p))
rel <- function(a, b) max(abs(a - b) / abs(a))
cat(sprintf("compared %d domain estimates; max relative difference: estimate %.2g, se %.2g, deff %.2g, ci_low %.2g, ci_high %.2g\n",
            nrow(m), rel(m$estimate.r, m$estimate.p), rel(m$se.r, m$se.p), rel(m$deff.r, m$deff.p),
            rel(m$ci_low.r, m$ci_low.p), rel(m$ci_high.r, m$ci_high.p)))
