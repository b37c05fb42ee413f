// The reproduction report's finder: every word typed must start a word of a value's row (its
// id, source, title, label, quote, printed and reproduced numbers; split as html.searchable
// splits them); the filters narrow by chapter, group and status. Plain JavaScript, no network.
(function () {
  const q = document.getElementById("q");
  const filters = ["chapter", "group", "status"].map((k) => [k, document.getElementById("f-" + k)]);
  const rows = Array.from(document.querySelectorAll("tr.value"));
  const blocks = Array.from(document.querySelectorAll("section.block"));
  const chapters = Array.from(document.querySelectorAll("section.chapter"));
  const found = document.getElementById("found");
  function apply() {
    const words = q.value.toLowerCase()
      .replace(/(?<!\d)\.|\.(?!\d)|[^\p{L}\p{N}.]|_/gu, " ").split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const text = " " + row.dataset.search;
      const ok = words.every((w) => text.includes(" " + w)) &&
        filters.every(([k, el]) => !el.value || row.dataset[k] === el.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    for (const section of blocks.concat(chapters)) {
      section.hidden = !section.querySelector("tr.value:not([hidden])");
    }
    found.textContent = shown === rows.length ? rows.length + " values" :
      shown + " of " + rows.length + " values";
  }
  function reveal() {   // a link to a value that the filters hide clears them
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target && target.closest("[hidden]")) {
      q.value = "";
      filters.forEach(([, el]) => { el.value = ""; });
      apply();
      target.scrollIntoView();
    }
  }
  q.addEventListener("input", apply);
  filters.forEach(([, el]) => el.addEventListener("change", apply));
  window.addEventListener("hashchange", reveal);
  apply();
})();
