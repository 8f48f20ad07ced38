// Renders public/icon.svg to the PNG icons the web manifest needs (192, 512 and a maskable 512),
// with Debian's Chromium. Run once after changing the SVG; the PNGs are committed.
import { readFileSync, writeFileSync } from 'node:fs'
import { launchChromium } from '../testing/browser.ts'

const svg = readFileSync(new URL('../public/icon.svg', import.meta.url), 'utf8')
const browser = await launchChromium()
try {
  for (const [size, name, pad] of [[192, 'icon-192.png', 0], [512, 'icon-512.png', 0], [512, 'icon-maskable-512.png', 0.1]] as const) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const inner = Math.round(size * (1 - 2 * pad))
    await page.setContent(`<html><body style="margin:0;background:#0f172a;display:grid;place-items:center;width:${size}px;height:${size}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</body></html>`)
    writeFileSync(new URL(`../public/${name}`, import.meta.url), await page.screenshot({ type: 'png' }))
    await page.close()
  }
} finally {
  await browser.close()
}
console.log('wrote public/icon-192.png, icon-512.png, icon-maskable-512.png')
