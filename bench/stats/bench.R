# The R side of the stats benchmark: the same analysis as
#   portal stats estimate --data FILE --weight weight --strata district \
#     --cluster community --indicator satisfied --indicator aware \
#     --by district --ci logit
# i.e. read.csv, svydesign, then for both indicators svymean (deff) and
# svyciprop (logit) overall and by district (svyby).
#
#   Rscript bench.R FILE.csv OUT.csv
# OUT.csv gets the overall (domain "") and per-district results, for
# compare.R.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
des <- svydesign(ids = ~community, strata = ~district, weights = ~weight, nest = TRUE, data = d)
res <- list()
for (v in c("satisfied", "aware")) {
  f <- as.formula(paste0("~", v))
  m <- svymean(f, des, deff = TRUE)
  ci <- svyciprop(f, des, method = "logit")
  print(m); print(ci)
  by_m <- svyby(f, ~district, des, svymean, deff = TRUE)
  by_ci <- svyby(f, ~district, des, svyciprop, method = "logit", vartype = "ci")
  res[[paste0(v, "_all")]] <- data.frame(indicator = v, domain = "", estimate = coef(m)[[1]], se = SE(m)[[1]],
                                         deff = deff(m)[[1]], ci_low = confint(ci)[1], ci_high = confint(ci)[2])
  res[[v]] <- data.frame(indicator = v, domain = as.character(by_m$district),
                         estimate = coef(by_m), se = SE(by_m), deff = deff(by_m),
                         ci_low = by_ci$ci_l, ci_high = by_ci$ci_u)
}
write.csv(do.call(rbind, res), args[2], row.names = FALSE)
