// The staff area's scripts: GOV.UK Frontend's components, and checks as you type on
// the prompt editor. Everything works without JavaScript; this only adds to it.
import { initAll } from './govuk-frontend.min.js'

initAll()

const editor = document.querySelector('[data-prompt-checks]')
if (editor) {
  const textarea = document.getElementById('text')
  const output = document.getElementById('live-checks')
  const endpoint = editor.getAttribute('data-prompt-checks')
  const language = editor.getAttribute('data-language')
  const promptId = editor.getAttribute('data-prompt-id') || ''  // the key guide is checked for its keys
  const token = document.querySelector('meta[name="csrf-token"]').content
  let timer = null

  const item = (text) => {
    const li = document.createElement('li')
    li.textContent = text
    return li
  }

  const show = (report) => {
    output.replaceChildren()
    const summary = document.createElement('p')
    summary.className = 'govuk-body'
    summary.textContent = `${report.words} words, about ${report.seconds} seconds spoken, ` +
      `${report.words_per_sentence} words a sentence.`
    output.append(summary)
    if (report.errors.length) {
      const heading = document.createElement('h3')
      heading.className = 'govuk-heading-s'
      heading.textContent = 'Must be fixed before saving'
      const list = document.createElement('ul')
      list.className = 'govuk-list govuk-list--bullet'
      report.errors.forEach((text) => list.append(item(text)))
      output.append(heading, list)
    }
    if (report.advice.length) {
      const heading = document.createElement('h3')
      heading.className = 'govuk-heading-s'
      heading.textContent = 'Advice'
      const list = document.createElement('ul')
      list.className = 'govuk-list govuk-list--bullet'
      report.advice.forEach((text) => list.append(item(text)))
      output.append(heading, list)
    }
    if (!report.errors.length && !report.advice.length) {
      const ok = document.createElement('p')
      ok.className = 'govuk-body'
      ok.textContent = 'No problems found.'
      output.append(ok)
    }
  }

  const check = async () => {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ text: textarea.value, language, prompt_id: promptId }),
        credentials: 'same-origin'
      })
      if (response.ok) show(await response.json())
    } catch (error) {
      // The checks run again on save; a dropped request only delays them.
    }
  }

  textarea.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(check, 400)
  })
  // Words typed before this script ran (it loads after the page), or restored by the
  // browser on going back, raised no 'input' event here: check them now.
  if (textarea.value !== textarea.defaultValue) check()
}

const tryLine = document.querySelector('[data-try-line]')
if (tryLine) import('./try_line.js').then((module) => module.start(tryLine))
