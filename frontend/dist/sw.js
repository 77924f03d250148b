/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'b44a75ae0b5c149d'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-CQlSi-TB.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-9XGO-IP8.js","/assets/BoardView-C6QkfaGM.css","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-N32EGC2C.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-CqD5dhpP.js","/assets/DashboardView-Bv4XBj4H.css","/assets/DashboardView-Ch1mZd4u.js","/assets/ErrorBox-C7X8G2Xp.js","/assets/FormField-DFeZZ3cL.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DJRvt2KM.js","/assets/LoadState-TjAGTM7K.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DfZZxYGo.js","/assets/NotFoundView-DkjC_F9p.js","/assets/OverdueView-DJGQMrDZ.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-DyvEvnDi.js","/assets/RegisterView-Bj1EyIIy.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-z2b8L9uR.js","/assets/RoundsView-BJcyYNKN.css","/assets/RoundsView-C-fjEVgf.js","/assets/StatusBadge-BetkoiAK.js","/assets/SurveyView-RgMun8ZU.css","/assets/SurveyView-x0XyV9zb.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-DJ334Hso.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-B497Hv2S.js","/assets/aggregate-DHotHVNR.js","/assets/areas-BJfbMeVI.js","/assets/charts-BksOX1pR.css","/assets/charts-D93Q6Jy3.js","/assets/complaints-YpEEYiT5.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-DHt9IAW4.css","/assets/index-a792qspw.js","/assets/survey-BEv98fmB.js","/assets/useLoad-DwNP5l7p.js","/assets/volunteer-2KAUJfNq.js"]

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
