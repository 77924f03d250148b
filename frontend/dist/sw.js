/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '417b09d2cc07810c'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-Ch_mOZ3-.js","/assets/AreaMap-D_HXy3Jo.css","/assets/AuditView-B1j8_AiZ.js","/assets/AuditView-rClZ5IAN.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BO4TwXmI.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-BTj6MkDZ.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-Dz2HLWZv.js","/assets/DashboardView-B3ODDI59.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-BbmHBVvQ.js","/assets/FormField-neMb4pgV.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-B9S8H1YM.js","/assets/LoadState-CAHAZPIa.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CYkAYaDY.js","/assets/NotFoundView-DNTlqRnb.js","/assets/OverdueView-Y83-qnYp.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-TPcRi_4P.js","/assets/RegisterView-BuNUX9Jg.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-BbzxyuEG.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DGA2yWZH.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-DcF6cQrD.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-VLZNVBMz.js","/assets/StatusBadge-N4tqxbHb.js","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-JD1wooAX.js","/assets/TasksView-CSN5WLTX.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-CAZFyPyT.js","/assets/areas-CHHaw2ML.js","/assets/charts-BksOX1pR.css","/assets/charts-CXOeiDkG.js","/assets/complaints-C5j0Gnj7.js","/assets/dashboard-CRaBPulX.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index--e4N6PY-.js","/assets/index-CPljvp2w.css","/assets/plan-C7u2yjlL.js","/assets/survey-B-0HIUj2.js","/assets/useLoad-CKbb7Pf7.js","/assets/volunteer-6nmOuab2.js"]

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
