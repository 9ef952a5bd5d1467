// The appointment letter the reception console prints: large type, the code grouped as the
// kiosk shows it, short plain instructions in the patient's language (English, Polish, Welsh),
// where to go and when.
//
// Rules that matter:
// - The code is shown once: it is put in the letter's DOM only, never in storage, a URL, the
//   browser console or any other element, and clearLetter() removes it with the letter.
// - The letter is built with textContent only: a name or a site name is never HTML.
// - Sentences are short and plain, as the kiosk's own words are (one idea each).

/** How the kiosk groups the code's digits (kiosk/journey.py CODE_GROUPS): "012 345 6789". */
export const CODE_GROUPS = Object.freeze([3, 3, 4]);

export function groupedCode(digits) {
  if (typeof digits !== "string" || digits.length !== CODE_GROUPS.reduce((a, b) => a + b, 0)) return digits;
  const out = [];
  let start = 0;
  for (const size of CODE_GROUPS) {
    out.push(digits.slice(start, start + size));
    start += size;
  }
  return out.join(" ");
}

/** The letter's words, by language. */
export const LETTER_TEXT = Object.freeze({
  en: {
    locale: "en-GB",
    title: "Your video appointment",
    for: "For",
    when: "When",
    where: "Where",
    service: "Service",
    clinician: "Clinician",
    code: "Your appointment code",
    codeNote: "You will type this code at the kiosk.",
    stepsTitle: "What to do",
    steps: [
      "Come 10 minutes before your appointment.",
      "Ask at reception for the video kiosk.",
      "Touch the screen. Type your code.",
      "The kiosk checks that you can see and hear. Then please wait. Your clinician will call you on the screen.",
    ],
    keep: "Keep this letter. The code is for this appointment only.",
    help: "If you need help, ask at reception.",
    language: "You can use the kiosk in English, Polish or Welsh.",
  },
  pl: {
    locale: "pl-PL",
    title: "Twoja wizyta wideo",
    for: "Dla",
    when: "Kiedy",
    where: "Gdzie",
    service: "Poradnia",
    clinician: "Specjalista",
    code: "Twój kod wizyty",
    codeNote: "Ten kod wpiszesz w kiosku.",
    stepsTitle: "Co zrobić",
    steps: [
      "Przyjdź 10 minut przed wizytą.",
      "W recepcji zapytaj o kiosk wideo.",
      "Dotknij ekranu. Wpisz swój kod.",
      "Kiosk sprawdzi, czy widzisz i słyszysz. Potem zaczekaj. Specjalista połączy się z Tobą na ekranie.",
    ],
    keep: "Zachowaj ten list. Kod jest tylko na tę wizytę.",
    help: "Jeśli potrzebujesz pomocy, zapytaj w recepcji.",
    language: "Kiosk mówi po polsku. Na pierwszym ekranie wybierz „Polski”.",
  },
  cy: {
    locale: "cy-GB",
    title: "Eich apwyntiad fideo",
    for: "Ar gyfer",
    when: "Pryd",
    where: "Ble",
    service: "Gwasanaeth",
    clinician: "Clinigwr",
    code: "Eich cod apwyntiad",
    codeNote: "Byddwch chi'n teipio'r cod hwn yn y ciosg.",
    stepsTitle: "Beth i'w wneud",
    steps: [
      "Dewch 10 munud cyn eich apwyntiad.",
      "Gofynnwch yn y dderbynfa am y ciosg fideo.",
      "Cyffyrddwch â'r sgrin. Teipiwch eich cod.",
      "Bydd y ciosg yn gwirio eich bod chi'n gallu gweld a chlywed. Yna arhoswch. Bydd eich clinigwr yn eich galw ar y sgrin.",
    ],
    keep: "Cadwch y llythyr hwn. Mae'r cod ar gyfer yr apwyntiad hwn yn unig.",
    help: "Os oes angen help arnoch chi, gofynnwch yn y dderbynfa.",
    language: "Mae'r ciosg yn siarad Cymraeg. Ar y sgrin gyntaf, dewiswch ‘Cymraeg’.",
  },
});

const text = (v, limit = 200) => (typeof v === "string" && v.length > 0 ? v.slice(0, limit) : null);

// Day and month names, written out here: Chromium's own date formats have no Welsh, and a
// letter must not change with the browser it is printed from.
const CALENDAR = Object.freeze({
  en: {
    days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    months: ["January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"],
    format: (day, date, month, year, time) => `${day} ${date} ${month} ${year} at ${time}`,
  },
  pl: {
    days: ["niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"],
    months: ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
      "września", "października", "listopada", "grudnia"], // the genitive: "5 grudnia"
    format: (day, date, month, year, time) => `${day}, ${date} ${month} ${year}, godz. ${time}`,
  },
  cy: {
    days: ["dydd Sul", "dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener", "dydd Sadwrn"],
    months: ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
      "Medi", "Hydref", "Tachwedd", "Rhagfyr"],
    format: (day, date, month, year, time) => `${day} ${date} ${month} ${year} am ${time}`,
  },
});

/** "Monday 7 December 2026 at 14:30" in the letter's language (the browser's local time). */
export function letterTime(iso, lang) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const c = CALENDAR[Object.hasOwn(CALENDAR, lang) ? lang : "en"];
  const time = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  const text = c.format(c.days[d.getDay()], d.getDate(), c.months[d.getMonth()], d.getFullYear(), time);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function el(tag, cls, content) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (content !== undefined) e.textContent = content;
  return e;
}

function fact(dl, term, ...values) {
  const parts = values.filter(Boolean);
  if (parts.length === 0) return;
  const row = el("div", "fact");
  const dd = el("dd");
  // Each part on its own line; an address keeps its line breaks (CSS white-space: pre-line).
  dd.append(...parts.map((v) => (typeof v === "string" ? el("span", "line", v) : v)));
  row.append(el("dt", "", term), dd);
  dl.append(row);
}

/**
 * Build the letter in `article` from the booking reply: {letter, code, appointment}. The code
 * goes into this one element and nowhere else.
 */
export function buildLetter(article, reply) {
  const letter = reply && typeof reply.letter === "object" && reply.letter ? reply.letter : {};
  const appt = reply && typeof reply.appointment === "object" && reply.appointment ? reply.appointment : {};
  const lang = Object.hasOwn(LETTER_TEXT, letter.language) ? letter.language : "en";
  const t = LETTER_TEXT[lang];
  article.lang = t.locale;
  const site = text(letter.site_name, 120) || "";
  const address = text(letter.site_address, 300);
  const directions = text(letter.directions, 300);
  const service = text(letter.service_name, 120);
  const area = text(letter.waiting_area_name, 120);
  const name = text(appt.patient_name, 120);

  const head = el("header", "letter-head");
  head.append(el("p", "letter-site", site), el("h2", "letter-title", t.title));
  if (name) head.append(el("p", "letter-for", `${t.for}: ${name}`));

  const facts = el("dl", "letter-facts");
  fact(facts, t.when, letterTime(letter.time, lang));
  fact(facts, t.where, site, address && address !== site ? address : null,
    directions ? el("span", "line directions", directions) : null);
  fact(facts, t.service, service && area && area !== service && area !== "Waiting area" ? `${service} – ${area}` : service || area);
  fact(facts, t.clinician, text(letter.clinician_name, 120));

  const code = el("section", "letter-code");
  const codeId = "letter-code-title";
  const codeTitle = el("h3", "", t.code);
  codeTitle.id = codeId;
  const digits = el("p", "code", groupedCode(typeof reply.code === "string" ? reply.code : ""));
  digits.setAttribute("aria-labelledby", codeId);
  code.append(codeTitle, digits, el("p", "code-note", t.codeNote));

  const steps = el("section", "letter-steps");
  const list = el("ol");
  list.append(...t.steps.map((s) => el("li", "", s)));
  steps.append(el("h3", "", t.stepsTitle), list);

  article.replaceChildren(head, facts, code, steps,
    el("p", "letter-keep", t.keep), el("p", "letter-help", t.help), el("p", "letter-language", t.language));
}

/** Remove the letter, and with it the code, from the page. */
export function clearLetter(article) {
  article.replaceChildren();
  article.removeAttribute("lang");
}
