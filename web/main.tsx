/// <reference types="vite/client" />
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, boot } from './app/App.tsx'
import './styles.css'

// The mesh starts first; the page renders meanwhile (App shows the start's outcome).
boot().catch(() => {})
createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>)
