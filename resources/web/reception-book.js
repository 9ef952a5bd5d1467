// The reception console's BOOK form: service and waiting area (those that hold clinics at the
// chosen site), date and time, clinician (optional: members of that waiting area), the
// patient's name (optional) and the letter's language; POST /api/reception/appointments.
//
// Rules that matter:
// - The hub decides: it refuses what it must not book (422 with the field and plain words),
//   and the form shows that sentence and moves focus to the field. The form's own checks only
//   save a round trip.
// - The patient's name is cleared from the form once the appointment is booked; the reply (with
//   the code) goes straight to the letter and is kept nowhere here.

const FIELD_IDS = {
  waiting_area_id: "book-area", time: "book-time", clinician_id: "book-clinician",
  patient_name: "book-name", language: "book-languages", site_id: "book-area",
};

const $ = (id) => document.getElementById(id);
const text = (v, limit = 200) => (typeof v === "string" && v.length > 0 ? v.slice(0, limit) : null);

/** YYYY-MM-DD of a date in the browser's time zone. */
export function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The next quarter hour from now, as HH:MM ("23:45" at most, today). */
export function nextQuarter(now = new Date()) {
  const minutes = Math.min(23 * 60 + 45, Math.ceil((now.getHours() * 60 + now.getMinutes() + 1) / 15) * 15);
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export class BookingForm {
  /** post(body) -> Promise<reply> (throws ApiError); onBooked(reply); onSignedOut(). */
  constructor({ post, onBooked, onSignedOut }) {
    this.post = post;
    this.onBooked = onBooked;
    this.onSignedOut = onSignedOut;
    this.site = null;
    this.areas = new Map(); // waiting area id -> {area, service}
    $("book-area").addEventListener("change", () => this.fillClinicians());
    $("book-form").addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
  }

  /** The site whose services the form offers, and the hub's list of letter languages. */
  setSite(site, languages) {
    this.site = site;
    this.areas.clear();
    const select = $("book-area");
    const groups = [];
    const services = site && Array.isArray(site.services) ? site.services : [];
    for (const service of services) {
      if (!service || typeof service !== "object" || !Array.isArray(service.waiting_areas)) continue;
      const org = service.organisation && typeof service.organisation === "object" ? text(service.organisation.name, 120) : null;
      const group = document.createElement("optgroup");
      group.label = `${text(service.name, 120) || "Service"}${org ? ` (${org})` : ""}`;
      for (const area of service.waiting_areas) {
        if (!area || !Number.isInteger(area.id)) continue;
        this.areas.set(area.id, { area, service });
        const option = document.createElement("option");
        option.value = String(area.id);
        option.textContent = `${text(service.name, 120) || "Service"} – ${text(area.name, 120) || "Waiting area"}`;
        group.append(option);
      }
      if (group.children.length) groups.push(group);
    }
    const prompt = document.createElement("option");
    prompt.value = "";
    prompt.textContent = groups.length ? "Choose a service" : "No services hold clinics at this site";
    select.replaceChildren(prompt, ...groups);
    this.fillClinicians();
    const langs = Array.isArray(languages) && languages.length ? languages
      : [{ code: "en", name: "English" }, { code: "pl", name: "Polski" }, { code: "cy", name: "Cymraeg" }];
    $("book-languages").replaceChildren(...langs.filter((l) => l && text(l.code, 8)).map((l, i) => {
      const label = document.createElement("label");
      label.className = "radio";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "book-language";
      input.value = l.code;
      input.checked = i === 0;
      const lang = l.code === "en" ? "en-GB" : l.code;
      const span = document.createElement("span");
      span.lang = lang;
      span.textContent = text(l.name, 40) || l.code;
      label.append(input, span);
      return label;
    }));
  }

  fillClinicians() {
    const picked = this.areas.get(Number($("book-area").value));
    const any = document.createElement("option");
    any.value = "";
    any.textContent = picked ? "Any clinician in this waiting area" : "Choose a service first";
    const members = picked && Array.isArray(picked.area.clinicians) ? picked.area.clinicians : [];
    $("book-clinician").replaceChildren(any, ...members.filter((c) => c && Number.isInteger(c.id)).map((c) => {
      const option = document.createElement("option");
      option.value = String(c.id);
      option.textContent = text(c.name, 120) || `Clinician ${c.id}`;
      return option;
    }));
  }

  /** Show the form afresh: today, the next quarter hour, no name, no error. */
  reset(now = new Date()) {
    $("book-date").value = isoDate(now);
    $("book-date").min = isoDate(now);
    $("book-time").value = nextQuarter(now);
    $("book-name").value = "";
    this.error("");
  }

  error(message, fieldId) {
    const box = $("book-error");
    box.textContent = message || "";
    box.hidden = !message;
    for (const id of Object.values(FIELD_IDS)) $(id).removeAttribute("aria-invalid");
    if (!message) return;
    const field = fieldId ? $(fieldId) : null;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      (field.querySelector("input") || field).focus();
    } else {
      box.focus();
    }
  }

  async submit() {
    const areaId = Number($("book-area").value);
    const date = $("book-date").value;
    const time = $("book-time").value;
    const language = document.querySelector("input[name=book-language]:checked");
    if (!this.site) return this.error("Choose your site first.");
    if (!this.areas.has(areaId)) return this.error("Choose the service and waiting area.", "book-area");
    if (!date) return this.error("Enter the date of the appointment.", "book-date");
    if (!time) return this.error("Enter the time of the appointment.", "book-time");
    const clinician = $("book-clinician").value;
    const name = $("book-name").value.trim();
    const body = {
      site_id: this.site.id, waiting_area_id: areaId, time: `${date}T${time}`,
      clinician_id: clinician ? Number(clinician) : null, patient_name: name || null,
      language: language ? language.value : "en",
    };
    const button = $("book-submit");
    const label = button.textContent;
    button.disabled = true;
    button.textContent = "Booking…";
    let reply = null;
    try {
      reply = await this.post(body);
    } catch (e) {
      if (e.status === 401) { this.onSignedOut(); return undefined; }
      const field = e.status === 422 && e.code === "invalid" ? FIELD_IDS[e.field] : undefined;
      this.error(e.status === 0 ? e.message : `Not booked: ${e.message}`, field);
      return undefined;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
    $("book-name").value = "";
    this.error("");
    this.onBooked(reply);
    return undefined;
  }
}
