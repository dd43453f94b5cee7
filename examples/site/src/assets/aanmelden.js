// The sign-up form: asks the CMS for a question (POST /api/v1/memberships/challenge) and
// sends the form to POST /api/v1/memberships. The API must allow this site's origin
// (`oa-cms serve --cors-origins https://this.site`).
(() => {
  const form = document.querySelector('form[data-signup]');
  if (!form) return;
  const api = form.dataset.api;
  const question = form.querySelector('[data-question]');
  const status = form.querySelector('[data-status]');
  const button = form.querySelector('button[type=submit]');

  const say = (text, bad = false) => {
    status.textContent = text;
    status.classList.toggle('is-error', bad);
  };

  // A token works once: every attempt gets a fresh question.
  async function newQuestion() {
    form.elements.challenge_answer.value = '';
    try {
      const res = await fetch(`${api}/api/v1/memberships/challenge`, { method: 'POST' });
      if (!res.ok) throw new Error(String(res.status));
      const c = await res.json();
      form.elements.challenge_token.value = c.token;
      question.textContent = c.question;
    } catch {
      question.textContent = 'Rekenvraag';
      say('De rekenvraag kon niet worden geladen. Probeer het later opnieuw.', true);
    }
  }

  const label = (field) => {
    const input = form.elements[field];
    const l = input && input.id && form.querySelector(`label[for="${input.id}"]`);
    return l ? l.textContent.replace(/\s*\(optioneel\)\s*/, '').trim() : field;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const v = (name) => form.elements[name].value.trim();
    const body = {
      name: v('name'),
      email: v('email'),
      sector: v('sector'),
      role: v('role'),
      contribution: v('contribution'),
      consent: form.elements.consent.checked,
      challenge_token: v('challenge_token'),
      challenge_answer: v('challenge_answer'),
      website: form.elements.website.value,
    };
    if (v('organisation')) body.organisation = v('organisation');
    button.disabled = true;
    say('Bezig met versturen…');
    try {
      const res = await fetch(`${api}/api/v1/memberships`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status === 202) {
        const thanks = document.createElement('p');
        thanks.className = 'form-thanks';
        thanks.tabIndex = -1;
        thanks.textContent = 'Bedankt voor je aanmelding! We nemen zo snel mogelijk contact met je op.';
        form.replaceWith(thanks);
        thanks.focus();
        return;
      }
      if (res.status === 429) {
        say('Er zijn te veel aanmeldingen vanaf dit adres verstuurd. Probeer het later opnieuw.', true);
      } else if (res.status === 422) {
        const problem = await res.json().catch(() => ({}));
        const fields = [...new Set((problem.errors || []).map((e) => e.field))];
        for (const f of fields) form.elements[f]?.setAttribute('aria-invalid', 'true');
        if (fields.some((f) => f.startsWith('challenge'))) {
          say('Het antwoord op de rekenvraag klopt niet. Probeer de nieuwe vraag.', true);
        } else {
          say(`Controleer: ${fields.map(label).join(', ')}.`, true);
        }
      } else {
        say('Aanmelden lukt nu niet. Probeer het later opnieuw.', true);
      }
    } catch {
      say('Aanmelden lukt nu niet. Controleer je verbinding en probeer het opnieuw.', true);
    } finally {
      button.disabled = false;
    }
    newQuestion();
  });

  newQuestion();
})();
