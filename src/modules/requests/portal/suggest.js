// Progressive enhancement: while a resident types a request, show published answers that may
// already have what they need. Without JavaScript the form shows them on the next page instead.
const field = document.querySelector("[data-suggest]");
const panel = document.getElementById("suggestions");
if (field && panel) {
  let timer;
  let last = "";
  const show = (items) => {
    panel.replaceChildren();
    if (items.length === 0) return;
    const heading = document.createElement("h2");
    heading.className = "govuk-heading-s";
    heading.textContent = "Published answers that may help";
    const list = document.createElement("ul");
    list.className = "govuk-list";
    for (const item of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.className = "govuk-link";
      a.href = `/disclosure-log/${encodeURIComponent(item.id)}`;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = `${item.title} (opens in new tab)`;
      li.append(a);
      list.append(li);
    }
    panel.append(heading, list);
    // They have seen the published answers: the form need not show them again on the next page.
    const form = field.closest("form");
    if (form && !form.querySelector('input[name="_checked"]')) {
      const seen = document.createElement("input");
      seen.type = "hidden";
      seen.name = "_checked";
      seen.value = "1";
      form.append(seen);
    }
  };
  const lookUp = async () => {
    const text = field.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 4) return show([]);
    try {
      const res = await fetch(
        `/api/v1/disclosure-log/suggestions?q=${encodeURIComponent(text.slice(-300))}`,
      );
      if (!res.ok) return;
      const body = await res.json();
      if (field.value.trim() === text) show(body.suggestions ?? []);
    } catch {
      // Suggestions are a help, not a step: ignore network problems.
    }
  };
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 250);
  });
}
