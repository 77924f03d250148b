/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '54278ef91e3cdfe3'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-CjgakZ4e.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-C6ZGTubK.js","/assets/CaseView-By9bNoyA.css","/assets/CaseView-KhEdus5g.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-BJ0sDRzv.js","/assets/DashboardView-DKfS23tW.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-C5ZcgZLN.js","/assets/FormField-Blkvm7el.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-CAdFX0dC.js","/assets/LoadState-DyyP797W.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DcidrOVi.js","/assets/ModerationView-CSfciO-s.js","/assets/ModerationView-YHTAYo9a.css","/assets/NotFoundView-DjskQZ4A.js","/assets/OverdueView-jRBWcTl_.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-WPmVBqea.js","/assets/RegisterView-_uwyuI3z.css","/assets/RegisterView-cQ8JBWWg.js","/assets/ReportView-CqVPcXWS.css","/assets/ReportView-DD-rnObs.js","/assets/ReviewView-CCXdQ2Hz.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-C3_9b3EW.js","/assets/RoundsView-BStc6uL-.js","/assets/RoundsView-C8NnwFC0.css","/assets/StatusBadge-B2eBKcef.js","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-D6Jf4SYg.js","/assets/TasksView-BI1loSIn.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-Bp_JGy-S.css","/assets/TrackView-DUuCyc9D.js","/assets/TriageView-BciYs2bp.js","/assets/TriageView-d_EXBpa_.css","/assets/areas-7Gn5XScs.js","/assets/charts-BksOX1pR.css","/assets/charts-DwDNq031.js","/assets/complaints-xF_f-ePU.js","/assets/dashboard-Be-QtROK.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CH66WZdN.js","/assets/index-CPljvp2w.css","/assets/moderation-D3Z9SlPH.js","/assets/plan-C7u2yjlL.js","/assets/survey-D7Rzmta6.js","/assets/useLoad-5CGJzyJp.js","/assets/volunteer-BAnn_jG6.js"]

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('cleancity-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/open311/')) return
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req).catch(() => caches.open(CACHE).then((c) => c.match('/')).then((r) => r || Response.error())),
    )
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(req).then(
          (hit) =>
            hit ||
            fetch(req).then((res) => {
              if (res.ok) cache.put(req, res.clone())
              return res
            }),
        ),
      ),
    )
    return
  }
  event.respondWith(fetch(req).catch(() => caches.open(CACHE).then((c) => c.match(req)).then((r) => r || Response.error())))
})
