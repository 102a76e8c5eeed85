/* geomap: the places layer of the map page.
 *
 * Points come from the API as GeoJSON built from the same filters as the page.
 * Every piece of article text reaches the page through text nodes (textContent),
 * never through innerHTML, so a passage cannot inject markup or script.
 */
(function () {
  "use strict";

  // Colour by precision (1 town ... 5 continent/sea); regions and countries are
  // hollow dashed rings so that nobody mistakes them for a town.
  var COLORS = {1: "#c0392b", 2: "#d35400", 3: "#7d3c98", 4: "#1f4e99", 5: "#566573"};
  var KIND_LABELS = {city: "town", admin1: "region", admin2: "district", region: "region", country: "country",
    continent: "continent", sea: "sea", strait: "strait", river: "river"};
  var SHOWN_PASSAGES = 3;
  var DOUBTFUL_BELOW = 0.75;  // geomap.query.DOUBTFUL_BELOW: below it a mention needs an analyst's look
  var DOUBT_COLOR = "#e69500";  // the amber outline of places with doubtful mentions

  // Where a mention's correction form lives: /mentions/<id>/correct, beside /articles/.
  function correctUrl(options, mentionId) {
    var base = options.correctUrl || options.articleUrl.replace(/articles\/$/, "mentions/");
    var back = window.location.pathname + window.location.search;
    return base + encodeURIComponent(mentionId) + "/correct?next=" + encodeURIComponent(back);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // The passage as text nodes, with the place's surface form wrapped in <mark>.
  function highlighted(passage, start, end) {
    var q = el("q", {"class": "gm-passage"});
    var ok = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= passage.length && start < end;
    if (!ok) { q.textContent = passage; return q; }
    q.appendChild(document.createTextNode(passage.slice(0, start)));
    q.appendChild(el("mark", {}, passage.slice(start, end)));
    q.appendChild(document.createTextNode(passage.slice(end)));
    return q;
  }

  // A popup: the place, its counts, and its newest passages. Points from the map's own
  // data carry no passages (they would multiply the download by the passages' size);
  // the popup fetches them when it opens, under the filters the map shows. The box gets
  // its "gm-popup" class once its passages are in (tests and scripts wait for it).
  function popupContent(props, options, layer) {
    var box = el("div", {"class": "gm-popup-pending"});
    box.appendChild(el("strong", {"class": "gm-place-name"}, props.name));
    var kind = KIND_LABELS[props.kind] || props.kind;
    box.appendChild(el("div", {"class": "gm-meta"},
      kind + (props.country_code ? " · " + props.country_code : "") + " · " + props.mention_count +
      (props.mention_count === 1 ? " mention" : " mentions") + " in " + props.article_count +
      (props.article_count === 1 ? " article" : " articles")));
    if (props.doubtful_count > 0) {
      box.appendChild(el("div", {"class": "gm-doubt-summary"}, "? " + props.doubtful_count +
        (props.doubtful_count === 1 ? " mention needs" : " mentions need") + " review"));
    }
    var list = el("ol", {"class": "gm-mentions"});
    box.appendChild(list);
    var footer = el("a", {"class": "gm-all", "href": options.placeUrl + encodeURIComponent(props.place_id)},
      "place page");
    box.appendChild(footer);

    function fill(mentions) {
      mentions.forEach(function (m) { list.appendChild(mentionItem(m, options)); });
      if (props.mention_count > mentions.length) { footer.textContent = "all " + props.mention_count + " passages"; }
      box.setAttribute("class", "gm-popup");
    }

    if (Array.isArray(props.mentions)) {
      fill(props.mentions);
    } else {
      var waiting = el("li", {"class": "gm-loading"}, "loading passages…");
      list.appendChild(waiting);
      fetch(mentionsUrl(props.place_id, options), {headers: {"Accept": "application/json"}}).then(function (r) {
        if (!r.ok) { throw new Error("the passages could not be loaded (HTTP " + r.status + ")"); }
        return r.json();
      }).then(function (body) {
        list.removeChild(waiting);
        fill(body.mentions || []);
      }).catch(function (error) {
        waiting.textContent = error.message;
        box.setAttribute("class", "gm-popup");
      }).then(function () {
        if (layer && layer.getPopup()) { layer.getPopup().update(); }  // resize to the new content
      });
    }
    return box;
  }

  // The popup's passages URL: the place's, under the filters of the data the map shows now.
  function mentionsUrl(placeId, options) {
    var view = new URL(options.currentUrl || options.dataUrl, window.location.href);
    view.searchParams.delete("_mentions");
    view.searchParams.set("_size", String(options.popupSize || SHOWN_PASSAGES));
    return options.mentionsUrl + encodeURIComponent(placeId) + "/mentions.json" + view.search;
  }

  function mentionItem(m, options) {
    var doubtful = !m.corrected && typeof m.score === "number" && m.score < DOUBTFUL_BELOW;
    var item = el("li", {"class": doubtful ? "gm-doubtful" : m.corrected ? "gm-corrected" : ""});
    item.appendChild(highlighted(m.passage || "", m.start, m.end));
    var source = el("div", {"class": "gm-source"});
    var link = el("a", {"href": options.articleUrl + encodeURIComponent(m.article_id) + "#mention-" +
      encodeURIComponent(m.mention_id)}, m.article_title);
    source.appendChild(link);
    source.appendChild(document.createTextNode(" · " + (m.published || "undated")));
    item.appendChild(source);
    var actions = el("div", {"class": "gm-actions"});
    if (doubtful) {
      actions.appendChild(el("span", {"class": "gm-doubt-note", "title": "geomap is unsure which place this is"},
        "? doubtful (score " + m.score.toFixed(2) + ")"));
      actions.appendChild(document.createTextNode(" · "));
    } else if (m.corrected) {
      actions.appendChild(el("span", {"class": "gm-corrected-note"}, "corrected by an analyst"));
      actions.appendChild(document.createTextNode(" · "));
    }
    actions.appendChild(el("a", {"class": "gm-correct", "href": correctUrl(options, m.mention_id),
      "title": "choose another place for this mention"}, "correct"));
    item.appendChild(actions);
    return item;
  }

  function marker(feature, options) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var precise = p.precision <= 2;
    var radius = Math.min(30, 5 + 3 * Math.sqrt(p.mention_count));
    var style = precise
      ? {radius: radius, color: "#fff", weight: 1, fillColor: COLORS[p.precision], fillOpacity: 0.85}
      : {radius: radius + 6, color: COLORS[p.precision] || "#555", weight: 2, dashArray: "4 3",
         fill: true, fillOpacity: 0.08};
    var doubtful = p.doubtful_count > 0;
    if (doubtful) {  // an amber outline, whatever the kind: some of its mentions need review
      style.color = DOUBT_COLOR;
      style.weight = 3;
      style.className = "gm-doubtful-marker";
    }
    var m = L.circleMarker([c[1], c[0]], style);
    m.feature = feature;
    // One box per opening: Leaflet calls this again on every update(), which must not refetch.
    var box = null;
    m.bindPopup(function (layer) { return box || (box = popupContent(p, options, layer)); },
      {maxWidth: 380, minWidth: 260});
    m.on("popupclose", function () { box = null; });
    m.bindTooltip(el("span", {}, p.name + " (" + p.mention_count + ")" +
      (doubtful ? " ? " + p.doubtful_count + " doubtful" : "")));
    return m;
  }

  window.geomapPlaces = function (map, options) {
    map.setMaxZoom(18);  // clustering needs a bound, and with tiles off no layer gives one
    map.createPane("outlines");
    map.getPane("outlines").style.zIndex = 150;  // under the tiles (200): shows when tiles cannot load
    map.getContainer().style.background = "#dfe9f2";
    fetch(options.outlinesUrl).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {pane: "outlines", interactive: false,
        style: {color: "#8a9aa9", weight: 0.8, fillColor: "#f6f4ee", fillOpacity: 1}}).addTo(map);
    });
    if (options.tilesUrl) {
      L.tileLayer(options.tilesUrl, {attribution: options.tilesAttribution, maxZoom: 18}).addTo(map);
    }
    map.attributionControl.addAttribution(options.credits);

    var towns = L.markerClusterGroup({maxClusterRadius: 40, showCoverageOnHover: false});
    var areas = L.layerGroup();
    map.addLayer(areas);
    map.addLayer(towns);

    // Views over more places than the server lets one response carry come back as grid
    // cells (exact counts). From the first such answer on, the map is in viewport mode: each
    // pan or zoom refetches the visible box at the new zoom, cells or places as the server
    // decides. A view that came back whole needs no refetch: every point is already here.
    var cells = L.layerGroup();
    map.addLayer(cells);
    var viewportMode = false;
    var baseUrl = options.dataUrl;  // the filters (and the slider's "until"), without box or zoom
    var pending = null;

    function withView(url) {
      var target = new URL(url, window.location.href);
      target.searchParams.set("zoom", String(Math.max(0, Math.min(22, Math.round(map.getZoom())))));
      if (viewportMode) {
        var b = map.getBounds();
        var west = Math.max(-180, b.getWest()), east = Math.min(180, b.getEast());
        if (east - west >= 360 || b.getEast() - b.getWest() >= 360) { west = -180; east = 180; }
        target.searchParams.set("bbox", [west, Math.max(-90, b.getSouth()), east, Math.min(90, b.getNorth())]
          .map(function (v) { return v.toFixed(5); }).join(","));
      }
      return target.pathname + target.search;
    }

    function cellMarker(feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var label = String(p.mention_count);
      var size = 26 + 6 * Math.min(6, Math.floor(Math.log10(Math.max(1, p.mention_count))));
      var m = L.marker([c[1], c[0]], {icon: L.divIcon({className: "gm-cell" + (p.doubtful_count ? " gm-cell-doubtful" : ""),
        html: "", iconSize: [size, size]}), keyboard: true});
      m.on("add", function () {  // the count as text, never as markup
        var node = m.getElement();
        // article_count is null for cells summed from per-place totals (an article may span places)
        var articles = p.article_count == null ? "" : " in " + p.article_count + " articles";
        if (node) { node.textContent = label; node.setAttribute("title", p.place_count + " places, " +
          p.mention_count + " mentions" + articles + ": click to zoom in"); }
      });
      m.on("click", function () {
        var box = p.cell;
        map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
      });
      return m;
    }

    function load(url) {
      baseUrl = url;
      document.body.dataset.mapReady = "0";
      var request = withView(url);
      options.currentUrl = request;  // the popups fetch their passages under the same filters
      return fetch(request, {headers: {"Accept": "application/geo+json"}}).then(function (response) {
        if (!response.ok) { throw new Error("the map data could not be loaded (HTTP " + response.status + ")"); }
        return response.json();
      }).then(function (collection) {
        if (options.currentUrl !== request) { return; }  // a newer view was asked for meanwhile
        towns.clearLayers();
        areas.clearLayers();
        cells.clearLayers();
        var aggregated = Boolean(collection.geomap && collection.geomap.aggregated);
        var bounds = [], townMarkers = [];
        collection.features.forEach(function (feature) {
          if (aggregated) {
            var cell = cellMarker(feature);
            cells.addLayer(cell);
            bounds.push(cell.getLatLng());
            return;
          }
          var m = marker(feature, options);
          if (feature.properties.precision <= 2) { townMarkers.push(m); } else { areas.addLayer(m); }
          bounds.push(m.getLatLng());
        });
        towns.addLayers(townMarkers);  // one bulk insert: markers one by one cost seconds at 10,000
        var first = !viewportMode;
        if (aggregated) { viewportMode = true; }
        if (first && options.fit && bounds.length) { map.fitBounds(L.latLngBounds(bounds).pad(0.2), {maxZoom: 8}); }
        focus(townMarkers.concat(areas.getLayers()));
        document.body.dataset.mapCount = String(collection.features.length);
        document.body.dataset.mapAggregated = aggregated ? "1" : "0";
        document.body.dataset.mapReady = "1";
        var status = document.getElementById("gm-status");
        var n = collection.features.length;
        if (status) {
          status.textContent = aggregated ? n + (n === 1 ? " area" : " areas") + " (zoom in for places)"
            : n + (n === 1 ? " place" : " places");
        }
      }).catch(function (error) {
        var status = document.getElementById("gm-status");
        if (status) { status.textContent = error.message; }
        document.body.dataset.mapReady = "error";
      });
    }

    map.on("moveend", function () {
      if (!viewportMode) { return; }
      clearTimeout(pending);
      document.body.dataset.mapReady = "0";  // what is drawn is about to be replaced
      pending = setTimeout(function () { load(baseUrl); }, 250);  // once the user stops moving
    });

    // "?place=<id>" (links from an article's mentions): open that place's popup.
    function focus(markers) {
      if (!options.focus) { return; }
      var target = markers.filter(function (m) { return m.feature.properties.place_id === options.focus; })[0];
      if (!target) { return; }
      if (towns.hasLayer(target)) {
        towns.zoomToShowLayer(target, function () { target.openPopup(); });
      } else {
        map.setView(target.getLatLng(), Math.max(map.getZoom(), 5));
        target.openPopup();
      }
    }

    load(options.dataUrl);

    // The time view: a slider over the covered dates refetches with "until" set server-side.
    var slider = document.getElementById("gm-time");
    if (slider) {
      var label = document.getElementById("gm-time-label");
      var dates = JSON.parse(slider.dataset.dates || "[]");
      slider.addEventListener("input", function () {
        var day = dates[Number(slider.value)];
        if (label) { label.textContent = day ? "up to " + day : ""; }
      });
      slider.addEventListener("change", function () {
        var day = dates[Number(slider.value)];
        var url = new URL(options.dataUrl, window.location.href);
        if (day) { url.searchParams.set("until", day); }
        load(url.pathname + url.search);
        // Keep "download this view" and the address bar in step with what the map shows.
        ["gm-download-geojson", "gm-download-csv"].forEach(function (id) {
          var link = document.getElementById(id);
          if (!link) { return; }
          var target = new URL(link.getAttribute("href"), window.location.href);
          if (day) { target.searchParams.set("until", day); }
          link.setAttribute("href", target.pathname + target.search);
        });
        var page = new URL(window.location.href);
        if (day) { page.searchParams.set("until", day); }
        window.history.replaceState(null, "", page.pathname + page.search);
      });
    }
  };
})();
