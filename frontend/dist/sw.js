/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'e3d0ac56fa1444b2'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BOT77lZG.js","/assets/AreaMap-BoBMluaJ.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-Dyat38F6.js","/assets/CaseView-CeopkNbv.css","/assets/CaseView-D_72NeL3.js","/assets/CasesView-B4WsLois.css","/assets/CasesView-BOHZHYeH.js","/assets/DashboardView-BbbPEOOQ.js","/assets/DashboardView-ZalrbNiy.css","/assets/ErrorBox-DygL86v5.js","/assets/FormField-BR7tBFiB.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-D8pzJM6F.js","/assets/LoadState-BXuBzYuk.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DC7KEWjl.js","/assets/NotFoundView-CdVg4EVq.js","/assets/OverdueView-DtXqLcuz.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-C8rzBgPD.js","/assets/RegisterView-C3wWaRud.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DZkPEtsN.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-BznF7t_-.js","/assets/ReviewView-Dy3Tcv23.css","/assets/RoundPlanView-C2FM32DA.js","/assets/RoundPlanView-Cu8ryi98.css","/assets/RoundsView-DW-Zqvml.js","/assets/RoundsView-Di7AukNj.css","/assets/StatusBadge-OLqlfRKE.js","/assets/SurveyView-C4qslHER.js","/assets/SurveyView-CrdhZj-v.css","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-WqnxNzUE.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-DSiuvyoS.js","/assets/areas-Hz6NROS2.js","/assets/charts-BksOX1pR.css","/assets/charts-CSvBBgXR.js","/assets/complaints-DUXU0CDa.js","/assets/dashboard-CQOqJf5x.js","/assets/excel-D6YBuMKb.js","/assets/image-B63KSaaN.js","/assets/index-ChQ7XRoX.css","/assets/index-J5_lCjY-.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-CisX1yna.js","/assets/survey-SyAxbUHC.js","/assets/useLoad-B9vKE1J8.js","/assets/volunteer-DIgoTQWv.js"]

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
