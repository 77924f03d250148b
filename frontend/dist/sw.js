/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '8c518d340f58e7a3'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-GenG--OX.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BRQfOUJg.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-QZICxUYH.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-DL6azVOl.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-D7cGvhNs.js","/assets/ErrorBox-BBUZRWKf.js","/assets/FormField-6wxM3wcE.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-BTey0Bmo.js","/assets/LoadState-D-2KMHoS.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-Cc5genw2.js","/assets/NotFoundView-edJWRN12.js","/assets/OverdueView-ChzKs7Fn.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-Bd9DZKck.js","/assets/RegisterView-DfGA6X9M.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-r8lTfUEi.js","/assets/RoundsView-BJcyYNKN.css","/assets/RoundsView-DlNEovW4.js","/assets/StatusBadge-DUNU9a-u.js","/assets/SurveyView-B5xqoKL9.js","/assets/SurveyView-RgMun8ZU.css","/assets/TasksView-CZ4HCJuC.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-bfeGmfjV.js","/assets/areas-HJWI5KmC.js","/assets/charts-BksOX1pR.css","/assets/charts-CeCnRc4w.js","/assets/complaints-BlCA4hc0.js","/assets/dashboard-BdVyII41.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-BypFNf-5.js","/assets/index-DHt9IAW4.css","/assets/survey-0FKNcG2R.js","/assets/useLoad-Dolj8Puu.js","/assets/volunteer-B5fWi2_I.js"]

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
