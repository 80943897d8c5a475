// The operational map, drawn from bundled GeoJSON only: no tile server exists offline.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("layers").textContent);
  // A first view before any layer: vector layers need the map's pixel bounds.
  const map = L.map("map", { zoomSnap: 0.25 }).setView([-18.0, -70.0], 9);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const sectors = L.geoJSON(
    { type: "FeatureCollection", features: data.sectors.map((s) => ({ type: "Feature", geometry: s.geometry, properties: s })) },
    { style: { color: "#5b6b7f", weight: 1, fillOpacity: 0.06 },
      onEachFeature: (f, layer) => layer.bindTooltip(esc(f.properties.code + " · " + f.properties.name)) }
  ).addTo(map);
  L.geoJSON(data.border, { style: { color: "#b3261e", weight: 3, dashArray: "6 4", className: "border-line" } })
    .bindTooltip(esc(data.labels.border_line)).addTo(map);
  data.towns.forEach((t) => {
    L.circleMarker([t.lat, t.lon], { radius: 3, color: "#333", weight: 1, fillOpacity: 1, className: "town" })
      .bindTooltip(esc(t.name) + " (" + esc(t.country) + ")", { permanent: true, direction: "right", className: "town-label" })
      .addTo(map);
  });
  data.crossings.forEach((c) => {
    L.circleMarker([c.location.lat, c.location.lon], { radius: 9, color: "#1b5e20", weight: 3, fillOpacity: 0.9, className: "crossing" })
      .bindPopup("<strong>" + esc(data.labels.crossing_point) + "</strong><br>" + esc(c.name) + "<br>" + esc(c.status) + " · " + esc(c.opening_hours))
      .addTo(map);
  });
  data.facilities.forEach((f) => {
    L.circleMarker([f.location.lat, f.location.lon], { radius: 6, color: "#0d47a1", fillOpacity: 0.7, className: "facility" })
      .bindPopup("<strong>" + esc(data.labels.facility) + "</strong><br>" + esc(f.name)).addTo(map);
  });
  const markers = {};
  data.events.forEach((e) => {
    const r = 5 + Math.min(15, Math.sqrt(e.headcount || 1));
    // records received from the other country's node are drawn in their own colour
    const received = e.origin !== data.node;
    const m = L.circleMarker([e.location.lat, e.location.lon], {
      radius: r, color: received ? "#6a1b9a" : "#e65100", weight: 2, fillOpacity: 0.5,
      dashArray: received ? "3 3" : null, className: "event event-" + e.type + " origin-" + e.origin })
      .bindPopup('<a href="/events/' + e.id + '"><strong>' + esc(e.label) + " #" + e.id + "</strong></a><br>" +
                 esc(data.labels.headcount) + ": " + (e.headcount === null ? "—" : e.headcount) + (e.sector ? "<br>" + esc(e.sector) : "") +
                 "<br>" + esc(data.labels.origin) + ": " + esc(e.origin))
      .addTo(map);
    markers[e.id] = m;
  });
  map.fitBounds(sectors.getBounds(), { padding: [10, 10] });
  const wanted = /^#event-(\d+)$/.exec(window.location.hash);
  if (wanted && markers[wanted[1]]) { map.setView(markers[wanted[1]].getLatLng(), 11); markers[wanted[1]].openPopup(); }
  window.hitoMap = map;
})();
