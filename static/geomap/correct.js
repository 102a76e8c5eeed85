/* geomap: the correction form.
 *
 * Draws the candidate places on a small map (clicking one chooses it), runs gazetteer
 * searches without leaving the page and adds their results to the choices, and keeps the
 * country condition for "every mention of this name" only. Every name reaches the page
 * through text nodes (textContent), never through innerHTML. Without this script the form
 * still works: the search is then an ordinary GET of this page.
 */
(function () {
  "use strict";

  var KIND_LABELS = {city: "town", admin1: "region", admin2: "district", region: "region", country: "country",
    continent: "continent", sea: "sea", strait: "strait", river: "river"};
  var COLORS = {current: "#c0392b", chosen: "#1f4e99", other: "#566573", search: "#117a65"};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function describe(c) {
    var parts = [KIND_LABELS[c.kind] || c.kind || ""];
    if (c.country_code) { parts.push(c.country_code); }
    if (c.population) { parts.push("pop. " + Number(c.population).toLocaleString("en")); }
    if (typeof c.score === "number") { parts.push("score " + c.score.toFixed(2)); }
    return parts.join(" · ");
  }

  function radios() {
    return Array.prototype.slice.call(document.querySelectorAll("#gm-correct-form input[name=place]"));
  }

  function choose(key) {
    radios().forEach(function (input) { input.checked = input.value === key; });
    refresh();
  }

  function chosenKey() {
    var checked = radios().filter(function (input) { return input.checked; })[0];
    return checked ? checked.value : null;
  }

  // -- the map ---------------------------------------------------------------------------

  var map = null, markers = {}, layer = null;

  function styleFor(c, chosen) {
    var color = c.key === chosen ? COLORS.chosen : c.current ? COLORS.current
      : c.origin === "search" ? COLORS.search : COLORS.other;
    return {radius: c.key === chosen ? 9 : 6, color: "#fff", weight: 1, fillColor: color, fillOpacity: 0.9};
  }

  function addPoint(c) {
    if (!map || markers[c.key] || typeof c.lat !== "number" || typeof c.lon !== "number") { return; }
    var m = L.circleMarker([c.lat, c.lon], styleFor(c, chosenKey()));
    m.candidate = c;
    m.bindTooltip(el("span", {}, c.label + " (" + describe(c) + ")"));
    m.on("click", function () { choose(c.key); });
    layer.addLayer(m);
    markers[c.key] = m;
  }

  function fit() {
    var points = Object.keys(markers).map(function (key) { return markers[key].getLatLng(); });
    if (points.length === 1) { map.setView(points[0], 6); }
    else if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.2), {maxZoom: 7}); }
  }

  function refresh() {
    var chosen = chosenKey();
    Object.keys(markers).forEach(function (key) {
      markers[key].setStyle(styleFor(markers[key].candidate, chosen));
      if (key === chosen) { markers[key].bringToFront(); }
    });
  }

  function drawMap(candidates) {
    var div = document.getElementById("gm-candidate-map");
    if (!div || typeof L === "undefined") { return; }
    var options = JSON.parse(div.dataset.options || "{}");
    map = L.map(div, {zoomControl: true, attributionControl: true, maxZoom: 18}).setView([30, 20], 2);
    map.createPane("outlines");
    map.getPane("outlines").style.zIndex = 150;
    div.style.background = "#dfe9f2";
    if (options.outlinesUrl) {
      fetch(options.outlinesUrl).then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, {pane: "outlines", interactive: false,
          style: {color: "#8a9aa9", weight: 0.8, fillColor: "#f6f4ee", fillOpacity: 1}}).addTo(map);
      });
    }
    if (options.tilesUrl) {
      L.tileLayer(options.tilesUrl, {attribution: options.tilesAttribution, maxZoom: 18}).addTo(map);
    }
    map.attributionControl.addAttribution("Places: GeoNames (CC BY 4.0)");
    layer = L.featureGroup().addTo(map);
    candidates.forEach(addPoint);
    fit();
  }

  // -- the search ------------------------------------------------------------------------

  function choiceItem(c) {
    var item = el("li", {"class": "gm-choice"});
    var label = el("label");
    var input = el("input", {type: "radio", name: "place", value: c.key});
    input.addEventListener("change", refresh);
    label.appendChild(input);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(el("span", {"class": "gm-choice-name"}, c.label || c.name));
    label.appendChild(document.createTextNode(" "));
    label.appendChild(el("span", {"class": "gm-meta"}, describe(c)));
    item.appendChild(label);
    return item;
  }

  function search(form) {
    var input = document.getElementById("gm-search-input");
    var status = document.getElementById("gm-search-status");
    var list = document.getElementById("gm-search-results");
    var used = document.getElementById("gm-search-q-used");
    var q = (input.value || "").trim();
    var options = JSON.parse((document.getElementById("gm-candidate-map") || {dataset: {}}).dataset.options || "{}");
    if (!q) { status.textContent = "type a place name"; return; }
    status.textContent = "searching…";
    document.body.dataset.searchReady = "0";
    var url = (options.searchUrl || "/api/gazetteer/search") + "?q=" + encodeURIComponent(q);
    fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || ("HTTP " + response.status)); }
        return body;
      });
    }).then(function (body) {
      var known = {};
      radios().forEach(function (r) { if (!list.contains(r)) { known[r.value] = true; } });
      var chosen = chosenKey();
      while (list.firstChild) { list.removeChild(list.firstChild); }
      Object.keys(markers).forEach(function (key) {
        if (markers[key].candidate.origin === "search") { layer.removeLayer(markers[key]); delete markers[key]; }
      });
      var fresh = body.results.filter(function (c) { return !known[c.key]; });
      fresh.forEach(function (c) {
        c.origin = "search";
        list.appendChild(choiceItem(c));
        addPoint(c);
      });
      if (chosen) { radios().forEach(function (r) { r.checked = r.value === chosen; }); }
      used.value = q;
      status.textContent = fresh.length + (fresh.length === 1 ? " other place" : " other places") +
        " named “" + q + "”" + (body.results.length > fresh.length ? " (the others are listed above)" : "");
      if (map && fresh.length) { fit(); }
      refresh();
      document.body.dataset.searchCount = String(fresh.length);
      document.body.dataset.searchReady = "1";
    }).catch(function (error) {
      status.textContent = "search failed: " + error.message;
      document.body.dataset.searchReady = "error";
    });
  }

  // -- the scope -------------------------------------------------------------------------

  function scopeChanged() {
    var country = document.getElementById("gm-country");
    var surface = document.querySelector("#gm-correct-form input[name=scope][value=surface]");
    if (!country || !surface) { return; }
    country.disabled = !surface.checked;  // a disabled field is not sent: no condition on other scopes
  }

  function init() {
    var data = document.getElementById("gm-candidates");
    var candidates = data ? JSON.parse(data.textContent || "[]") : [];
    drawMap(candidates);
    radios().forEach(function (input) { input.addEventListener("change", refresh); });
    var form = document.getElementById("gm-search-form");
    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); search(form); });
    }
    var input = document.getElementById("gm-search-input");
    if (input) {
      // Enter in the search box searches (it belongs to the search form, but say so explicitly).
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); search(form); }
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("#gm-correct-form input[name=scope]"), function (r) {
      r.addEventListener("change", scopeChanged);
    });
    scopeChanged();
    document.body.dataset.correctReady = "1";
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
