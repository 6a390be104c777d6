(function () {
  "use strict";
  var data = document.getElementById("asset-data");
  if (!data) return;
  var d = JSON.parse(data.textContent);
  var FIELD = { title: 0, type: 1, owner: 2, status: 3, opens: 4, users: 5, last_open: 6, cost: 7 };
  var cols = d.columns.map(function (k) { return FIELD[k]; });
  var table = document.getElementById("asset-table");
  var tbody = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var controls = document.getElementById("asset-controls");
  var search = document.getElementById("asset-search");
  var more = document.getElementById("asset-more");
  var button = document.getElementById("asset-show-more");
  var whole = new Intl.NumberFormat("en-US");
  var cents = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var filters = {}, sortField = -1, sortDir = 1, limit = d.first, shown = d.rows;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function cell(r, f) {
    var v = r[f];
    if (f === 1) return d.types[v];
    if (f === 2) return d.owners[v];
    if (f === 3) return d.statuses[v];
    if (f === 4 || f === 5) return whole.format(v);
    if (f === 7) return v == null ? "" : (d.currency || "") + (v % 1 ? cents : whole).format(v);
    return v == null ? "" : v;
  }
  function key(r, f) {
    if (f === 1) return d.types[r[1]].toLowerCase();
    if (f === 2) return d.owners[r[2]].toLowerCase();
    if (f === 0) return r[0].toLowerCase();
    if (f === 6) return r[6] || "";
    if (f === 7) return r[7] == null ? -1 : r[7];
    return r[f];
  }
  function select(field, label, names) {
    var used = {};
    d.rows.forEach(function (r) { used[r[field]] = true; });
    var s = document.createElement("select");
    s.setAttribute("aria-label", label);
    s.dataset.field = field;
    var options = '<option value="">' + esc(label) + "</option>";
    names.map(function (n, i) { return [n, i]; })
      .filter(function (p) { return used[p[1]]; })
      .sort(function (a, b) { return field === 3 ? a[1] - b[1] : a[0].localeCompare(b[0]); })
      .forEach(function (p) { options += '<option value="' + p[1] + '">' + esc(p[0] || "(none)") + "</option>"; });
    s.innerHTML = options;
    s.addEventListener("change", function () {
      if (s.value === "") delete filters[field]; else filters[field] = +s.value;
      limit = d.first; update();
    });
    controls.appendChild(s);
  }
  function update() {
    var q = search.value.trim().toLowerCase();
    shown = d.rows.filter(function (r) {
      for (var f in filters) if (r[f] !== filters[f]) return false;
      return !q || r[0].toLowerCase().indexOf(q) >= 0;
    });
    if (sortField >= 0) {
      shown = shown.map(function (r, i) { return [key(r, sortField), i, r]; });
      shown.sort(function (a, b) { return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]) * (a[0] === b[0] ? 1 : sortDir); });
      shown = shown.map(function (p) { return p[2]; });
    }
    var html = "";
    shown.slice(0, limit).forEach(function (r) {
      html += "<tr>";
      cols.forEach(function (f) {
        var cls = f === 4 || f === 5 || f === 7 ? ' class="num"' : f === 6 ? ' class="date"' : "";
        html += "<td" + cls + ">" + esc(cell(r, f)) + "</td>";
      });
      html += "</tr>";
    });
    tbody.innerHTML = html;
    var n = Math.min(limit, shown.length);
    more.textContent = "Showing " + whole.format(n) + " of " + whole.format(shown.length) +
      (shown.length === d.rows.length ? " assets." : " matching assets (" + whole.format(d.rows.length) + " in all).");
    button.hidden = shown.length <= limit;
  }
  function sortBy(i) {
    var f = cols[i];
    sortDir = f === sortField ? -sortDir : (f >= 4 ? -1 : 1);
    sortField = f;
    for (var j = 0; j < heads.length; j++) heads[j].removeAttribute("aria-sort");
    heads[i].setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
    update();
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener("click", function () { sortBy(i); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(i); } });
  });
  select(3, "Any status", d.statuses);
  if (d.columns.indexOf("type") >= 0) select(1, "Any type", d.types);
  if (d.columns.indexOf("owner") >= 0) select(2, "Any owner", d.owners);
  search.addEventListener("input", function () { limit = d.first; update(); });
  button.addEventListener("click", function () { limit += 500; update(); });
  controls.hidden = false;
  table.classList.add("sortable");
  update();
})();
