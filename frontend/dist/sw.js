/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '1a749ba5da2cbf10'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-UwNogFbj.js","/assets/BoardView-Cm8ytAfu.js","/assets/CaseView--2RykZLz.js","/assets/CasesView-9ZEo0jHs.js","/assets/DashboardView-Cf5ZNmX2.js","/assets/ErrorBox-VErtyyYI.js","/assets/FormField-JHHmuXXG.js","/assets/InterviewView--eTh25PQ.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DA6z6xqq.js","/assets/NotFoundView-Cwv7lw0R.js","/assets/OverdueView-BDALAsXq.js","/assets/PublicMapView-BVL1qjc6.js","/assets/RegisterView-1gG4A8Ta.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-BGMWSmod.js","/assets/RoundsView-Cn6-Ekck.js","/assets/SurveyView-CPssmpty.js","/assets/TasksView-BClDP7IV.js","/assets/TrackView-CH4YTsz-.js","/assets/index-BtxxlbV5.js","/assets/index-CBjZb0xm.css"]

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
