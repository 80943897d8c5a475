// The sector risk map: the sectors coloured by impact level by day or by night, the line as the
// operational map draws it, and the H3 hotspots; drawn from the page's own JSON (no tile server).
(function () {
  "use strict";
  const holder = document.getElementById("risk-layers");
  if (!holder) return;
  const data = JSON.parse(holder.textContent);
  const labels = data.labels;
  const COLOURS = { low: "#66bb6a", medium: "#f9ab00", high: "#e8710a", critical: "#8e0000" };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const map = L.map("risk-map", { zoomSnap: 0.25 }).setView([-18.0, -70.0], 9);
  let kind = data.kind;
  const levelOf = (s) => s[kind + "_level"];
  const style = (s) => ({ color: "#263238", weight: 1.5, fillColor: COLOURS[levelOf(s)] || "#9e9e9e", fillOpacity: 0.45 });

  function popup(s) {
    const figure = (k) => esc(labels[k]) + ": " + s[k].toFixed(1) + " · " + esc(labels[s[k + "_level"]] || s[k + "_level"]);
    let html = "<strong>" + esc(s.code) + "</strong> · " + esc(s.name) + "<br>" + figure("day") + "<br>" + figure("night");
    if (s.override) {
      const o = s.override;
      html += '<br><strong class="override">' + esc(labels.override) + ":</strong> " + esc(labels[o.level] || o.level) +
        " — " + esc(o.reason) + (o.expires_at ? " (" + esc(labels.until) + " " + esc(o.expires_at) + ")" : "") +
        (o.set_by ? " · " + esc(labels.set_by) + " " + esc(o.set_by) : "");
    }
    return html;
  }

  const sectors = L.geoJSON(
    { type: "FeatureCollection", features: data.sectors.map((s) => ({ type: "Feature", geometry: s.geometry, properties: s })) },
    {
      style: (f) => ({ ...style(f.properties), className: "sector sector-" + f.properties.code }),
      onEachFeature: (f, layer) => layer.bindPopup(popup(f.properties))
        .bindTooltip(esc(f.properties.code.split("-")[0]), { permanent: true, direction: "center", className: "sector-label" }),
    }
  ).addTo(map);
  L.geoJSON(data.border, { style: { color: "#b3261e", weight: 3, dashArray: "6 4", className: "border-line" } })
    .bindTooltip(esc(labels.border_line)).addTo(map);
  data.towns.forEach((t) => {
    // named on touch only: here the sectors' labels come first
    L.circleMarker([t.lat, t.lon], { radius: 4, color: "#333", weight: 1, fillOpacity: 1, className: "town" })
      .bindTooltip(esc(t.name), { direction: "right", className: "town-label" }).addTo(map);
  });
  const heaviest = data.hotspots.reduce((most, h) => Math.max(most, h.weight), 1e-9);
  // A cell is under a kilometre across: its outline shows close up, a dot sized by weight far out.
  const hotspots = L.layerGroup(data.hotspots.flatMap((h) => {
    const share = h.weight / heaviest;
    const about = "<strong>" + esc(labels.hotspots) + "</strong><br>" + h.events + " " + esc(labels.events) + " · " + esc(labels.weight) + " " + h.weight.toFixed(1);
    return [
      L.polygon(h.boundary, { color: "#4a148c", weight: 1, fillColor: "#6a1b9a", fillOpacity: 0.2 + 0.6 * share, className: "hotspot" }).bindPopup(about),
      L.circleMarker([h.lat, h.lon], { radius: 4 + 8 * share, color: "#4a148c", weight: 1, fillColor: "#6a1b9a", fillOpacity: 0.5, className: "hotspot-dot" }).bindPopup(about),
    ];
  })).addTo(map);
  const overlays = {};
  overlays[esc(labels.sectors)] = sectors;
  overlays[esc(labels.hotspots)] = hotspots;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  function show(chosen) {
    kind = chosen;
    sectors.eachLayer((layer) => {
      layer.setStyle(style(layer.feature.properties));
      const path = layer.getElement();
      if (path) path.setAttribute("data-level", levelOf(layer.feature.properties));
    });
    document.querySelectorAll(".kind-toggle button[data-kind]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kind === kind)));
    document.querySelectorAll(".risk-legend li[data-level]").forEach((item) => {
      item.querySelector(".count").textContent = String(data.sectors.filter((s) => levelOf(s) === item.dataset.level).length);
    });
  }
  document.querySelectorAll(".kind-toggle button[data-kind]").forEach((b) => b.addEventListener("click", () => show(b.dataset.kind)));
  show(kind);
  if (data.sectors.length) map.fitBounds(sectors.getBounds(), { padding: [10, 10] });
  window.hitoRiskMap = { map: map, sectors: sectors, hotspots: hotspots };
})();
