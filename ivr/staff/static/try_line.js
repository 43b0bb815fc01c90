// Try the line: ring the real line from the staff area. Each input is sent with every
// input before it; the server rings the line again from the start (nothing is kept
// there) and answers with the whole call so far. This page plays what is new, in
// order, writing each line's words into the transcript (role="log") as it is spoken,
// and marks where the caller is on the call tree diagram.

export function start (root) {
  const endpoint = root.getAttribute('data-try-line')
  const token = document.querySelector('meta[name="csrf-token"]').content
  const byId = (id) => document.getElementById(id)
  const log = byId('transcript')
  const status = byId('try-status')
  const keyed = byId('try-keyed')
  const settings = byId('try-settings')
  const callButton = byId('try-call')
  const hangupButton = byId('try-hangup')
  const sayButton = byId('try-say')
  const silentButton = byId('try-silent')
  const wordsField = byId('try-words')
  const where = byId('try-where')
  const keys = Array.from(root.querySelectorAll('[data-key]'))
  const diagram = byId('try-diagram')
  const saveButton = byId('try-save')
  const saveName = byId('try-test-name')
  const saved = byId('try-saved')
  let callSwitches = null // the switches the last call was rung with

  let inCall = false
  let inputs = []
  let waiting = ''
  let number = '' // digits keyed while the line waits for a number ended with #
  let queue = []
  let playing = null // the Audio element playing now
  let generation = 0 // bumped by every interruption: stale plays stop
  let last = null // the last answer from the server

  // What the line answered to the last input: the events after the input's own "you" event
  // (every input the line took has one, in order).
  const after = (events, count) => {
    let seen = 0
    for (let i = 0; i < events.length; i++) {
      if (events[i].kind === 'you' && ++seen === count) return events.slice(i)
    }
    return []
  }

  const write = (kind, text) => {
    const p = document.createElement('p')
    p.className = `govuk-body app-transcript__${kind}`
    p.textContent = text
    log.append(p)
    log.scrollTop = log.scrollHeight
    return p
  }

  const switches = () => {
    const form = byId('try-switches')
    const value = (name) => (form.querySelector(`input[name="${name}"]:checked`) || {}).value
    return {
      hours: value('hours'),
      language: value('language'),
      more_time: byId('more-time').checked,
      transfer: value('transfer'),
      words: value('words') || 'live'
    }
  }

  const mark = (node) => {
    if (!node) return
    const places = (last && last.places) || {}
    where.textContent = `The caller is at: ${places[node] || node}`
    if (!diagram) return
    diagram.querySelectorAll('.app-try-current').forEach((g) => g.classList.remove('app-try-current'))
    diagram.querySelectorAll('g.node').forEach((g) => {
      const title = g.querySelector('title')
      if (title && title.textContent === node) {
        g.classList.add('app-try-current')
        if (g.scrollIntoView) g.scrollIntoView({ block: 'nearest', inline: 'nearest' })
      }
    })
  }

  const enable = (loading = false) => {
    const live = inCall
    keys.forEach((b) => { b.disabled = !live })
    sayButton.disabled = !live
    silentButton.disabled = !live
    wordsField.disabled = !live
    hangupButton.disabled = !live
    callButton.disabled = live
    settings.disabled = live
    saveButton.disabled = callSwitches === null
    // A button that was just switched off loses the focus: give it to the control that comes next,
    // so a keyboard user is never left at the top of the page. On load the focus stays at the top, where a
    // screen reader starts reading the page.
    if (loading) return
    const focused = document.activeElement
    if (!focused || focused === document.body || focused.disabled) (live ? keys[0] : callButton).focus()
  }

  const stopAudio = () => {
    generation += 1
    queue = []
    if (playing) {
      playing.pause()
      playing = null
    }
  }

  const playClip = (path, mine) => new Promise((resolve) => {
    if (mine !== generation) return resolve()
    const audio = new Audio(path)
    playing = audio
    let timer = null
    const done = () => {
      clearTimeout(timer)
      if (playing === audio) playing = null
      resolve()
    }
    // A clip that cannot be played (no sound device, a broken file) must not stop the call.
    timer = setTimeout(done, 20000)
    audio.addEventListener('loadedmetadata', () => {
      clearTimeout(timer)
      timer = setTimeout(done, (audio.duration || 18) * 1000 + 2000)
    })
    audio.addEventListener('ended', done)
    audio.addEventListener('error', done)
    audio.play().catch(done)
  })

  const handle = async (event, mine) => {
    if (mine !== generation) return
    mark(event.node)
    if (event.kind === 'say') {
      write('line', event.text)
      for (const clip of event.clips) {
        await playClip(clip, mine)
        if (mine !== generation) return
      }
    } else if (event.kind === 'you') {
      if (event.text !== 'You let it play.') write('you', event.text)
    } else {
      write(event.kind, event.text)
    }
  }

  const settle = (mine) => {
    if (mine !== generation || !last) return
    mark(last.node)
    waiting = last.waiting
    if (!waiting) {
      inCall = false
      enable()
      status.textContent = 'The call has ended.'
      return
    }
    if (waiting === 'skip') {
      send('s', true) // guidance plays out: as Twilio does when no key is pressed
      return
    }
    status.textContent = waiting === 'number'
      ? 'The line is waiting for a number: key it, then press Hash.'
      : 'The line is waiting for a key or words.'
  }

  const play = async (events, mine) => {
    for (const event of events) {
      await handle(event, mine)
      if (mine !== generation) return
    }
    settle(mine)
  }

  const send = async (input, quiet) => {
    if (!inCall) return
    if (!quiet) stopAudio() // a key or words said stop the line speaking, as on a phone
    const mine = generation
    inputs.push(input)
    const sent = inputs.length
    status.textContent = 'The line is answering...'
    let answer
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ switches: callSwitches, inputs }),
        credentials: 'same-origin'
      })
      answer = await response.json()
      if (!response.ok) throw new Error(answer.error || `The page answered ${response.status}`)
    } catch (error) {
      write('end', `The call could not go on: ${error.message}`)
      inCall = false
      enable()
      return
    }
    if (mine !== generation) return // hung up, or another key pressed, meanwhile: its answer comes
    last = answer
    play(after(answer.events, sent), mine)
  }

  const call = async () => {
    stopAudio()
    log.replaceChildren()
    inputs = []
    number = ''
    keyed.textContent = ''
    inCall = true
    callSwitches = switches()
    enable()
    const when = callSwitches
    write('note', `You ring the line (helpline ${when.hours === 'holiday' ? 'closed for a bank holiday' : when.hours}).`)
    inputs = []
    // The first request has no input: send() adds one, so ring with an empty list here.
    const mine = generation
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ switches: when, inputs: [] }),
        credentials: 'same-origin'
      })
      const answer = await response.json()
      if (!response.ok) throw new Error(answer.error || `The page answered ${response.status}`)
      if (mine !== generation) return
      last = answer
      play(answer.events, mine)
    } catch (error) {
      write('end', `The line could not be rung: ${error.message}`)
      inCall = false
      enable()
    }
  }

  const hangUp = () => {
    if (!inCall) return
    stopAudio()
    inCall = false
    enable()
    write('you', 'You hang up.')
    status.textContent = 'You hung up.'
  }

  const press = (key) => {
    if (!inCall) return
    if (waiting === 'number') {
      if (key === '#') {
        const digits = number
        number = ''
        keyed.textContent = ''
        send(`${digits}#`)
      } else {
        number += key
        keyed.textContent = `Keyed so far: ${number}`
      }
      return
    }
    send(key)
  }

  const save = async () => {
    if (callSwitches === null) return
    saved.textContent = 'Saving...'
    try {
      const response = await fetch(root.getAttribute('data-try-save'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ name: saveName.value, switches: callSwitches, inputs }),
        credentials: 'same-origin'
      })
      const answer = await response.json()
      if (!response.ok) throw new Error(answer.error || `The page answered ${response.status}`)
      saved.replaceChildren(`Saved as a test call: ${answer.name}. `)
      const link = document.createElement('a')
      link.className = 'govuk-link'
      link.href = answer.list
      link.textContent = 'See the saved test calls'
      saved.append(link)
    } catch (error) {
      saved.textContent = `Not saved: ${error.message}`
    }
  }

  callButton.addEventListener('click', call)
  saveButton.addEventListener('click', save)
  hangupButton.addEventListener('click', hangUp)
  keys.forEach((button) => button.addEventListener('click', () => press(button.getAttribute('data-key'))))
  silentButton.addEventListener('click', () => send('s'))
  sayButton.addEventListener('click', () => {
    const words = wordsField.value.trim()
    if (!words) return
    wordsField.value = ''
    send(`say:${words}`)
  })
  wordsField.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      sayButton.click()
    }
  })
  document.addEventListener('keydown', (event) => {
    const target = event.target
    if (!inCall || event.ctrlKey || event.metaKey || event.altKey) return
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return
    if (/^[0-9*#]$/.test(event.key)) {
      event.preventDefault()
      press(event.key)
    }
  })
  enable(true)
}
