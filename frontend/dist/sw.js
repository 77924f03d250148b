/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'e8b6ab7d8e14e017'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D88Qwgd4.js","/assets/AreaMap-D_HXy3Jo.css","/assets/AuditView-BYbjt4eF.js","/assets/AuditView-rClZ5IAN.css","/assets/BoardView-7QlynSbo.js","/assets/BoardView-B6n18kLF.css","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-DrEPkVCG.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-BeZOD5ON.js","/assets/DashboardView-D9xe52ed.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-v3nSprq-.js","/assets/FormField-E8i1_9Cf.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DM8GX8F0.js","/assets/LoadState-CXAQGlGc.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CSSpuxno.js","/assets/NotFoundView-D_n6n17U.js","/assets/OverdueView-EYg0F56e.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-IFxdmETb.js","/assets/RegisterView-BTEDSaS6.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-M7l6S-gD.js","/assets/ReviewView-CPq6yfgz.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-MkUqj4vJ.js","/assets/RoundsView-C2CX4OrJ.js","/assets/RoundsView-C8NnwFC0.css","/assets/StatusBadge-6mQEGKiF.js","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-Cylmjbo3.js","/assets/TasksView-Bls7j-A1.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-Dyc-qutV.js","/assets/areas-DWvFla8g.js","/assets/charts-BNA8fG77.js","/assets/charts-BksOX1pR.css","/assets/complaints-DJ3MOtmW.js","/assets/dashboard-DaWeK3h4.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-BYd2Nqns.js","/assets/index-CPljvp2w.css","/assets/plan-C7u2yjlL.js","/assets/survey-NN65X_tV.js","/assets/useLoad-NRtYJfx8.js","/assets/volunteer-BX3Y1peO.js"]

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
