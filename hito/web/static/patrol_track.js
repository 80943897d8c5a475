// A patrol's track over the map: one line per segment (never one across a gap in the fixes),
// where it set out and came back, the events it found, the sectors faint underneath and the
// line as the risk map draws it; from the page's own JSON (no tile server).
(function () {
  "use strict";
  const holder = document.getElementById("track-layers");
  if (!holder) return;
  const data = JSON.parse(holder.textContent);
  const labels = data.labels;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const map = L.map("track-map", { zoomSnap: 0.25 }).setView([-18.0, -70.0], 9);
  const sectors = L.geoJSON(
    { type: "FeatureCollection", features: data.sectors.map((s) => ({ type: "Feature", geometry: s.geometry, properties: s })) },
    {
      style: (f) => ({ color: "#5b6b7f", weight: 1, fillOpacity: 0.06, className: "sector sector-" + f.properties.code }),
      onEachFeature: (f, layer) => layer.bindTooltip(esc(f.properties.code + " · " + f.properties.name)),
    }
  ).addTo(map);
  L.geoJSON(data.border, { style: { color: "#b3261e", weight: 3, dashArray: "6 4", className: "border-line" } })
    .bindTooltip(esc(labels.border_line)).addTo(map);
  const track = L.featureGroup(data.segments.map((points, i) =>
    L.polyline(points, { color: "#0b5cad", weight: 4, opacity: 0.9, className: "track-segment" })
      .bindTooltip(esc(labels.track) + " · " + (i + 1) + "/" + data.segments.length)
  )).addTo(map);
  data.ends.forEach((end, i) => {
    const first = i === 0;
    const what = first ? labels.track_start : (data.ended ? labels.track_end : labels.last_fix);
    // a patrol often comes back where it set out: the end's dot sits inside the start's ring
    L.circleMarker([end.lat, end.lon], {
      radius: first ? 11 : 6, weight: 3, color: first ? "#1b5e20" : "#263238", fillColor: first ? "#66bb6a" : "#fff", fillOpacity: 1,
      className: first ? "track-start" : "track-end",
    }).bindTooltip(esc(what) + " · " + esc(end.at)).addTo(map);
  });
  const findings = L.featureGroup(data.findings.map((e) =>
    L.circleMarker([e.lat, e.lon], { radius: 10, weight: 2, color: "#e65100", fillColor: "#ff9800", fillOpacity: 0.8, className: "finding" })
      .bindPopup('<a href="/events/' + e.id + '"><strong>' + esc(e.type) + " #" + e.id + "</strong></a><br>" + esc(e.at) +
                 "<br>" + esc(labels.headcount) + ": " + (e.headcount === null ? "—" : e.headcount))
  )).addTo(map);
  const overlays = {};
  overlays[esc(labels.sectors)] = sectors;
  overlays[esc(labels.findings)] = findings;
  // folded: open, it would hide the track's end on the top right
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  const shown = track.getBounds();
  if (data.findings.length) shown.extend(findings.getBounds());
  map.fitBounds(shown.isValid() ? shown : sectors.getBounds(), { padding: [30, 30], maxZoom: 14 });
  window.hitoTrackMap = { map: map, track: track, findings: findings };
})();
