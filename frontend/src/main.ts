import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { i18n, applyInitialLocale } from './i18n'
import './styles.css'

applyInitialLocale()
const app = createApp(App)
app.use(i18n)
app.use(router)
app.mount('#app')

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* the app works without it, only not offline */
    })
  })
}
