import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import HomeView from './views/HomeView.vue'
// The report form is in the first chunk: on a slow phone network a second
// round trip for its chunk was a large part of its time to usable (its map
// loads on its own afterwards).
import ReportView from './views/resident/ReportView.vue'
import { session, type Role } from './api/session'

declare module 'vue-router' {
  interface RouteMeta {
    roles?: Role[]
    titleKey?: string
  }
}

// Each journey's pages load on demand, so the resident pages stay light
// and ECharts is fetched only by the officials' pages.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { titleKey: 'nav.home' } },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { titleKey: 'auth.loginTitle' } },
  { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue'), meta: { titleKey: 'auth.registerTitle' } },
  // Residents
  { path: '/report', name: 'report', component: ReportView, meta: { titleKey: 'report.title' } },
  { path: '/track', name: 'track-form', component: () => import('./views/resident/TrackView.vue'), meta: { titleKey: 'track.title' } },
  { path: '/track/:code', name: 'track', component: () => import('./views/resident/TrackView.vue'), meta: { titleKey: 'track.title' } },
  { path: '/map', name: 'map', component: () => import('./views/resident/PublicMapView.vue'), meta: { titleKey: 'publicMap.title' } },
  { path: '/overdue', name: 'overdue', component: () => import('./views/resident/OverdueView.vue'), meta: { titleKey: 'overdue.title' } },
  // Volunteers
  { path: '/volunteer', name: 'volunteer', component: () => import('./views/volunteer/TasksView.vue'), meta: { roles: ['volunteer'], titleKey: 'volunteer.title' } },
  {
    path: '/volunteer/interview/:round/:unit',
    name: 'interview',
    component: () => import('./views/volunteer/InterviewView.vue'),
    meta: { roles: ['volunteer'], titleKey: 'interview.title' },
  },
  // Departments and officials
  { path: '/staff/cases', name: 'cases', component: () => import('./views/official/CasesView.vue'), meta: { roles: ['department', 'official', 'admin'], titleKey: 'cases.title' } },
  { path: '/staff/cases/:id', name: 'case', component: () => import('./views/official/CaseView.vue'), meta: { roles: ['department', 'official', 'admin'], titleKey: 'cases.detail' } },
  { path: '/staff/board', name: 'board', component: () => import('./views/official/BoardView.vue'), meta: { roles: ['department', 'official', 'admin'], titleKey: 'board.title' } },
  { path: '/staff/dashboard', name: 'dashboard', component: () => import('./views/official/DashboardView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'dashboard.title' } },
  { path: '/staff/survey', name: 'survey', component: () => import('./views/official/SurveyView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'survey.title' } },
  { path: '/staff/rounds', name: 'rounds', component: () => import('./views/official/RoundsView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'rounds.title' } },
  { path: '/staff/rounds/new', name: 'round-new', component: () => import('./views/official/RoundPlanView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'rounds.create' } },
  { path: '/staff/rounds/:id/plan', name: 'round-plan', component: () => import('./views/official/RoundPlanView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'plan.title' } },
  { path: '/staff/review', name: 'review', component: () => import('./views/official/ReviewView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'review.title' } },
  { path: '/staff/rounds/:id/review', name: 'round-review', component: () => import('./views/official/ReviewView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'review.title' } },
  { path: '/staff/moderation', name: 'moderation', component: () => import('./views/official/ModerationView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'moderation.title' } },
  { path: '/staff/triage', name: 'triage', component: () => import('./views/official/TriageView.vue'), meta: { roles: ['official', 'admin'], titleKey: 'triage.title' } },
  // Administrators
  { path: '/staff/audit', name: 'audit', component: () => import('./views/admin/AuditView.vue'), meta: { roles: ['admin'], titleKey: 'audit.title' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { titleKey: 'errors.notFound' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const roles = to.meta.roles
  if (!roles) return true
  if (!session.user) return { name: 'login', query: { next: to.fullPath } }
  if (!roles.includes(session.user.role)) return { name: 'not-found', params: { rest: to.path.slice(1).split('/') }, query: { forbidden: '1' } }
  return true
})
