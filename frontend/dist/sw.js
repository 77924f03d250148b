/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'fb66951cd64cce4b'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-M2S8CzjJ.js","/assets/BoardView-B2Dz9i35.js","/assets/BoardView-C6QkfaGM.css","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-DbLQQPVX.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-C45WtDL8.js","/assets/DashboardView-CQS2DkJE.css","/assets/DashboardView-NyqVKPuD.js","/assets/ErrorBox-CetApSIy.js","/assets/FormField-F65ZAZ8Q.js","/assets/InterviewView-9x6ITiUm.js","/assets/InterviewView-B6GHNTRp.css","/assets/LoadState-BMptPtF7.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-Ca53FoKz.js","/assets/NotFoundView-bAIkyoiy.js","/assets/OverdueView-COvvCe4C.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-Bv5iciEs.js","/assets/RegisterView-BMk_2j3L.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-5P8B3zRE.js","/assets/ReportView-DyP-6zc0.css","/assets/RoundsView-BJcyYNKN.css","/assets/RoundsView-UYUWwwlm.js","/assets/StatusBadge-Ce2Xsidw.js","/assets/SurveyView-DmAp50wn.js","/assets/SurveyView-RgMun8ZU.css","/assets/TasksView-BBUKHMO_.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-Cg6g3Tps.js","/assets/aggregate-BZ9yLViI.js","/assets/areas-CB_1jXEP.js","/assets/charts-BksOX1pR.css","/assets/charts-DSpdIYBq.js","/assets/complaints-BwNfZSqi.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-BnycJwsi.js","/assets/index-DHt9IAW4.css","/assets/survey-uc8ygi-V.js","/assets/useLoad-QR7h7rx7.js","/assets/volunteer-BZQwaDdz.js"]

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
