# Makes the stats fixtures with R's survey package (Debian r-cran-survey 4.1).
#
#   cd stats/testdata && LC_ALL=C Rscript make_fixtures.R
#
# Writes the data files (main.csv, lonely.csv, margin_*.csv, ps_agesex.csv)
# and cases.json: one case per design/estimator combination, each with the
# `portal stats estimate` flags ("args"), R's answer in the command's output
# format ("expected"), and svytotal results ("totals") that the command does
# not print but the package computes. Numbers are written with 17
# significant digits.
#
# "logit" intervals are taken from svyciprop(method = "xlogit") after
# checking that they agree with method = "logit" to 1e-7 (see ci_for).
#
# Wilson intervals are not in survey 4.1: they are computed here by hand
# from the published formula as survey 4.5 implements it (effective n from
# svymean's variance, t on the design df).

suppressMessages(library(survey))
stopifnot(packageVersion("survey") >= "4.1")
set.seed(20240611)

## ---------------------------------------------------------------- data ----
make_data <- function() {
  districts <- sprintf("D%02d", 1:6)
  ncomm <- c(7, 5, 9, 6, 8, 4)          # sampled communities per district
  Ncomm <- c(30, 22, 41, 25, 33, 12)    # communities in the district
  rows <- list()
  for (h in seq_along(districts)) {
    for (c in seq_len(ncomm[h])) {
      m <- sample(12:30, 1)               # interviews in the community
      M <- sample(800:3000, 1)            # residents in the community
      eff <- rnorm(1, 0, 0.6)
      age <- sample(c("18-34", "35-59", "60+"), m, replace = TRUE, prob = c(.3, .45, .25))
      sex <- sample(c("F", "M"), m, replace = TRUE)
      p <- plogis(1.8 + eff + 0.4 * (age == "60+") - 0.3 * (sex == "M") + 0.15 * h)
      answered <- sample(6:10, m, replace = TRUE)
      rows[[length(rows) + 1]] <- data.frame(
        district = districts[h],
        community = sprintf("%s-C%02d", districts[h], c),
        zone = ((h - 1) * 2 + (c %% 2)) + 1,
        area = if (h <= 4) "north" else "south",
        weight = (Ncomm[h] / ncomm[h]) * (M / m),
        communities_in_district = Ncomm[h],
        sampling_fraction = ncomm[h] / Ncomm[h],
        satisfied = rbinom(m, 1, p),
        aware = rbinom(m, 1, plogis(1 + eff / 2)),
        correct = 0, answered = answered,
        agegrp = age, sex = sex,
        stringsAsFactors = FALSE)
    }
  }
  d <- do.call(rbind, rows)
  d$correct <- rbinom(nrow(d), d$answered, plogis(0.8 + 0.2 * d$aware))
  d$agesex <- paste(d$agegrp, d$sex, sep = "|")
  d
}

main <- make_data()
write.csv(main, "main.csv", row.names = FALSE)

# Lonely: D06 keeps one community, D02 keeps one too.
lonely <- main[!(main$district %in% c("D06", "D02")) |
               main$community %in% c("D06-C01", "D02-C03"), ]
write.csv(lonely, "lonely.csv", row.names = FALSE)

# Known population counts for calibration.
age_pop <- data.frame(agegrp = c("18-34", "35-59", "60+"), Freq = c(155000, 220000, 125000))
sex_pop <- data.frame(sex = c("F", "M"), Freq = c(255000, 245000))
agesex_pop <- data.frame(agesex = c("18-34|F", "18-34|M", "35-59|F", "35-59|M", "60+|F", "60+|M"),
                         Freq = c(80000, 75000, 112000, 108000, 63000, 62000))
write.csv(age_pop, "margin_age.csv", row.names = FALSE)
write.csv(sex_pop, "margin_sex.csv", row.names = FALSE)
write.csv(agesex_pop, "ps_agesex.csv", row.names = FALSE)

## -------------------------------------------------------------- json -----
num <- function(x) if (is.null(x) || length(x) == 0 || !is.finite(x)) "null" else sprintf("%.17g", x)
js <- function(x) {
  if (is.null(x)) return("null")
  if (inherits(x, "json_raw")) return(unclass(x))
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- vapply(names(x), function(k) paste0('"', k, '":', js(x[[k]])), "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, js, ""), collapse = ","), "]"))
  }
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.character(x)) return(paste0('"', gsub('"', '\\\\"', x), '"'))
  if (is.numeric(x)) return(num(x))
  stop("cannot encode")
}
raw <- function(s) structure(s, class = "json_raw")

## ----------------------------------------------------------- designs -----
build <- function(cs) {
  d <- read.csv(cs$data, stringsAsFactors = FALSE)
  ids <- if (is.null(cs$cluster)) ~1 else as.formula(paste0("~", cs$cluster))
  strata <- if (is.null(cs$strata)) NULL else as.formula(paste0("~", cs$strata))
  weights <- if (is.null(cs$weight)) NULL else as.formula(paste0("~", cs$weight))
  fpc <- if (is.null(cs$fpc)) NULL else as.formula(paste0("~", cs$fpc))
  des <- suppressWarnings(svydesign(ids = ids, strata = strata, weights = weights, fpc = fpc,
                                    nest = TRUE, data = d))
  if (!is.null(cs$poststratify)) {
    col <- cs$poststratify[1]
    pop <- read.csv(cs$poststratify[2], stringsAsFactors = FALSE)
    des <- postStratify(des, as.formula(paste0("~", col)), pop)
  }
  if (!is.null(cs$rake)) {
    cols <- sapply(cs$rake, `[`, 1)
    pops <- lapply(cs$rake, function(r) read.csv(r[2], stringsAsFactors = FALSE))
    des <- rake(des, lapply(cols, function(c) as.formula(paste0("~", c))), pops,
                control = list(maxit = 200, epsilon = 1e-9))
  }
  list(des = des, data = d)
}

ci_for <- function(var, des, method, level) {
  f <- as.formula(paste0("~", var))
  if (method == "wilson") {
    m <- svymean(f, des)
    p <- coef(m)[[1]]; v <- vcov(m)[1, 1]
    n.eff <- p * (1 - p) / v
    t <- qt(p = (1 - level) / 2, df = degf(des), lower.tail = FALSE)
    denom <- 1 + t^2 / n.eff
    root <- sqrt(4 * n.eff * p * (1 - p) + t^2)
    return(c((p + t^2 / (2 * n.eff) - t / (2 * n.eff) * root) / denom,
             (p + t^2 / (2 * n.eff) + t / (2 * n.eff) * root) / denom))
  }
  if (method == "logit") {
    # svyciprop's "logit" fits svyglm by IRLS, whose convergence tolerance
    # (1e-8 on the deviance) leaves up to a few 1e-9 of noise in the
    # interval; "xlogit" is the same Wald interval on the logit scale in
    # closed form. Check they agree, then use the exact one.
    a <- as.vector(attr(svyciprop(f, des, method = "logit", level = level), "ci"))
    b <- as.vector(attr(svyciprop(f, des, method = "xlogit", level = level), "ci"))
    stopifnot(isTRUE(all.equal(a, b, tolerance = 1e-7)))
    return(b)
  }
  as.vector(attr(svyciprop(f, des, method = method, level = level), "ci"))
}

one_estimate <- function(var, dom, des, cs) {
  f <- as.formula(paste0("~", var))
  m <- svymean(f, des, deff = TRUE)
  est <- coef(m)[[1]]
  ci <- ci_for(var, des, cs$ci, cs$level)
  verdict <- if (ci[1] >= cs$threshold) "meets" else if (ci[2] < cs$threshold) "below" else "inconclusive"
  list(indicator = var, domain = dom, estimate = est, se = SE(m)[[1]],
       ci_low = ci[1], ci_high = ci[2], deff = deff(m)[[1]],
       threshold = cs$threshold, point_meets = est >= cs$threshold, verdict = verdict)
}

# Ratios: confint() with its default df = Inf (a Wald interval with the
# normal quantile) and svyratio's deff (that of svytotal of the linearised
# variable, see survey:::svyratio.survey.design2).
one_ratio <- function(num, den, dom, des, cs) {
  r <- svyratio(as.formula(paste0("~", num)), as.formula(paste0("~", den)), des, deff = TRUE)
  est <- coef(r)[[1]]
  ci <- as.vector(confint(r, level = cs$level))
  verdict <- if (ci[1] >= cs$threshold) "meets" else if (ci[2] < cs$threshold) "below" else "inconclusive"
  list(indicator = paste0(num, "/", den), domain = dom, estimate = est, se = SE(r)[[1]],
       ci_low = ci[1], ci_high = ci[2], deff = attr(r, "deff")[1, 1], threshold = cs$threshold,
       point_meets = est >= cs$threshold, verdict = verdict)
}

one_total <- function(var, dom, des) {
  t <- svytotal(as.formula(paste0("~", var)), des, deff = TRUE)
  list(variable = var, domain = dom, estimate = coef(t)[[1]], se = SE(t)[[1]], deff = deff(t)[[1]])
}

levels_of <- function(x) as.character(sort(unique(x)))

run_case <- function(cs) {
  options(survey.lonely.psu = cs$lonely)
  b <- build(cs)
  des <- b$des; d <- b$data
  est <- list(); tot <- list()
  doms <- if (is.null(cs$by)) list(list(label = "", des = des)) else
    lapply(levels_of(d[[cs$by]]), function(lv) {
      keep <- as.character(d[[cs$by]]) == lv
      list(label = lv, des = des[keep, ])
    })
  # svyby must agree with the subset computations the cases rely on.
  if (!is.null(cs$by) && length(cs$indicators)) {
    sb <- svyby(as.formula(paste0("~", cs$indicators[1])), as.formula(paste0("~", cs$by)),
                des, svymean, deff = TRUE)
    sub1 <- svymean(as.formula(paste0("~", cs$indicators[1])), doms[[1]]$des)
    stopifnot(isTRUE(all.equal(coef(sb)[[1]], coef(sub1)[[1]], tolerance = 1e-12)),
              isTRUE(all.equal(SE(sb)[[1]], SE(sub1)[[1]], tolerance = 1e-12)))
  }
  for (v in cs$indicators) for (dm in doms) est[[length(est) + 1]] <- one_estimate(v, dm$label, dm$des, cs)
  for (r in cs$ratios) for (dm in doms) {
    p <- strsplit(r, "/")[[1]]
    est[[length(est) + 1]] <- one_ratio(p[1], p[2], dm$label, dm$des, cs)
  }
  for (v in c(cs$indicators, cs$totals)) for (dm in doms) tot[[length(tot) + 1]] <- one_total(v, dm$label, dm$des)
  inset <- weights(des, "sampling") != 0
  design <- list(n = nrow(d), strata = length(unique(des$strata[inset, 1])),
                 psus = length(unique(des$cluster[inset, 1])), df = degf(des))
  args <- c()
  flag <- function(n, v) if (!is.null(v)) args <<- c(args, paste0("--", n), v)
  for (v in cs$indicators) flag("indicator", v)
  for (r in cs$ratios) flag("ratio", r)
  flag("weight", cs$weight); flag("strata", cs$strata); flag("cluster", cs$cluster)
  flag("fpc", cs$fpc); flag("by", cs$by); flag("ci", cs$ci)
  flag("level", format(cs$level, digits = 17)); flag("threshold", format(cs$threshold, digits = 17))
  flag("lonely-psu", cs$lonely)
  if (!is.null(cs$poststratify)) flag("poststratify", paste0(cs$poststratify[1], "=", cs$poststratify[2]))
  for (r in cs$rake) flag("rake", paste0(r[1], "=", r[2]))
  list(name = cs$name, data = cs$data, args = as.list(args),
       expected = list(design = design, estimates = est), totals = tot)
}

## -------------------------------------------------------------- cases ----
base <- list(data = "main.csv", indicators = c("satisfied", "aware"), ratios = "correct/answered",
             totals = "correct", ci = "logit", level = 0.95, threshold = 0.9, lonely = "fail")
case <- function(name, ...) modifyList(c(base, list(name = name)), list(...))
age_m <- c("agegrp", "margin_age.csv"); sex_m <- c("sex", "margin_sex.csv")

cases <- list(
  case("unweighted_srs", ci = "mean"),
  case("weighted_srs", weight = "weight", ci = "asin"),
  case("strat_weights_beta", weight = "weight", strata = "district", ci = "beta"),
  case("strat_cluster_logit", weight = "weight", strata = "district", cluster = "community"),
  case("strat_cluster_mean_l80", weight = "weight", strata = "district", cluster = "community",
       ci = "mean", level = 0.8, threshold = 0.85),
  case("strat_cluster_asin", weight = "weight", strata = "district", cluster = "community", ci = "asin"),
  case("strat_cluster_beta", weight = "weight", strata = "district", cluster = "community", ci = "beta"),
  case("strat_cluster_wilson_l99", weight = "weight", strata = "district", cluster = "community",
       ci = "wilson", level = 0.99),
  case("cluster_only", weight = "weight", cluster = "community", ci = "beta"),
  case("fpc_popsize", weight = "weight", strata = "district", cluster = "community",
       fpc = "communities_in_district", ci = "wilson", level = 0.9),
  case("fpc_fraction", weight = "weight", strata = "district", cluster = "community",
       fpc = "sampling_fraction", ci = "logit"),
  case("fpc_no_weights", strata = "district", cluster = "community",
       fpc = "communities_in_district", ci = "mean"),
  case("by_district_logit", weight = "weight", strata = "district", cluster = "community", by = "district"),
  case("by_agegrp_beta", weight = "weight", strata = "district", cluster = "community", by = "agegrp",
       ci = "beta"),
  case("by_zone_numeric_wilson", weight = "weight", strata = "district", cluster = "community", by = "zone",
       ci = "wilson", threshold = 0.8),
  case("by_sex_fpc_asin", weight = "weight", strata = "district", cluster = "community", by = "sex",
       fpc = "communities_in_district", ci = "asin"),
  case("lonely_remove", data = "lonely.csv", weight = "weight", strata = "district", cluster = "community",
       lonely = "remove"),
  case("lonely_certainty", data = "lonely.csv", weight = "weight", strata = "district", cluster = "community",
       lonely = "certainty", ci = "mean"),
  case("lonely_adjust", data = "lonely.csv", weight = "weight", strata = "district", cluster = "community",
       lonely = "adjust", ci = "beta"),
  case("lonely_average", data = "lonely.csv", weight = "weight", strata = "district", cluster = "community",
       lonely = "average", ci = "wilson"),
  case("lonely_average_by_area", data = "lonely.csv", weight = "weight", strata = "district",
       cluster = "community", lonely = "average", by = "area", ci = "mean"),
  case("lonely_adjust_by_sex", data = "lonely.csv", weight = "weight", strata = "district",
       cluster = "community", lonely = "adjust", by = "sex", ci = "asin"),
  case("lonely_average_by_sex", data = "lonely.csv", weight = "weight", strata = "district",
       cluster = "community", lonely = "average", by = "sex", ci = "logit"),
  case("poststratify_logit", weight = "weight", strata = "district", cluster = "community",
       poststratify = c("agesex", "ps_agesex.csv")),
  case("poststratify_by_district_beta", weight = "weight", strata = "district", cluster = "community",
       poststratify = c("agesex", "ps_agesex.csv"), by = "district", ci = "beta"),
  case("rake_logit", weight = "weight", strata = "district", cluster = "community",
       rake = list(age_m, sex_m)),
  case("rake_by_agegrp_mean", weight = "weight", strata = "district", cluster = "community",
       rake = list(age_m, sex_m), by = "agegrp", ci = "mean"),
  case("rake_by_district_wilson_fpc", weight = "weight", strata = "district", cluster = "community",
       fpc = "communities_in_district", rake = list(sex_m, age_m), by = "district", ci = "wilson"),
  case("rake_lonely_average_by_area", data = "lonely.csv", weight = "weight", strata = "district",
       cluster = "community", lonely = "average", rake = list(age_m, sex_m), by = "area", ci = "asin"),
  case("poststratify_lonely_adjust_by_area", data = "lonely.csv", weight = "weight", strata = "district",
       cluster = "community", lonely = "adjust", poststratify = c("agesex", "ps_agesex.csv"), by = "area",
       ci = "logit"),
  case("poststratify_then_rake", weight = "weight", strata = "district", cluster = "community",
       poststratify = c("agesex", "ps_agesex.csv"), rake = list(age_m, sex_m), ci = "beta"),
  case("unclustered_fpc_units", weight = "weight", strata = "district", fpc = "sampling_fraction",
       ci = "logit", by = "agegrp")
)

out <- lapply(cases, run_case)
writeLines(paste0("[\n", paste(vapply(out, js, ""), collapse = ",\n"), "\n]"), "cases.json")
cat("wrote", length(out), "cases\n")
