/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '1312863e26a35480'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-C6dXete8.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-CuJX93ZG.css","/assets/BoardView-D_daSFm7.js","/assets/CaseView-BRxXV5h6.css","/assets/CaseView-CJas02Gs.js","/assets/CasesView-Ch4qifqF.css","/assets/CasesView-DouLQtUY.js","/assets/DashboardView-Bbh3Fu_P.css","/assets/DashboardView-DYmhSdOe.js","/assets/ErrorBox-BpHGgajU.js","/assets/FormField-CZIAaPbN.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-BanAwWMh.js","/assets/LoadState-wDj0ZeSj.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CzFAM2wd.js","/assets/NotFoundView-CM_tHnvv.js","/assets/OverdueView-CHUZk38e.js","/assets/PublicMapView-BywwvRr0.css","/assets/PublicMapView-z4zOlhj8.js","/assets/RegisterView-BKQ7YD7x.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-BKKWvEht.css","/assets/ReportView-DLAv0Mei.js","/assets/RoundsView-CO9J6XkQ.js","/assets/RoundsView-CbGwgZZ1.css","/assets/StatusBadge-0aajjQns.js","/assets/SurveyView-C8fOgDYn.js","/assets/SurveyView-DHp61mC-.css","/assets/TasksView-BxW9etwK.css","/assets/TasksView-C23V6k9s.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-B1TpF3n8.js","/assets/aggregate-9mUtZA7C.js","/assets/areas-BzADAAj9.js","/assets/charts-BksOX1pR.css","/assets/charts-Diwl4vbq.js","/assets/complaints-CuEn_wG1.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CBjZb0xm.css","/assets/index-ZhEklXJy.js","/assets/survey-BfkIDCuZ.js","/assets/useLoad-ckrHjVeJ.js","/assets/volunteer-COBlYWp4.js"]

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
