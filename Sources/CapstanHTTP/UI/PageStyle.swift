/// The dashboard's style sheet, inlined into every page so the UI needs no static file
/// route and no network. Light theme, system fonts, a fluid grid that collapses to one
/// column on narrow screens. Status colours come from the Okabe–Ito palette and badges
/// also carry their status as text, so colour is never the only cue. (No `<` or `&` here:
/// pages stay well-formed XML.)
enum PageStyle {
    static let css = """
        :root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --bg: #f6f8fa; --card: #ffffff; --accent: #0072B2; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header.top { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 48px; background: #24292f; color: #fff; }
        header.top .brand { font-weight: 700; letter-spacing: 0.02em; }
        header.top nav { display: flex; gap: 4px; flex-wrap: wrap; }
        header.top nav a { color: #d0d7de; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
        header.top nav a:hover, header.top nav a:focus { color: #fff; background: rgba(255,255,255,0.12); }
        header.top nav a.current { color: #fff; background: rgba(255,255,255,0.18); font-weight: 600; }
        main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
        h1 { font-size: 22px; margin: 8px 0 16px; }
        h2 { font-size: 17px; margin: 0 0 12px; }
        h3 { font-size: 14px; margin: 0 0 8px; }
        section.block { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
        a { color: var(--accent); }
        p.note { color: var(--muted); margin: 4px 0 12px; }
        dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px 16px; margin: 0; }
        dl.summary div { border-left: 3px solid var(--line); padding: 2px 10px; }
        dl.summary dt { color: var(--muted); font-size: 12px; }
        dl.summary dd { margin: 0; font-size: 16px; font-weight: 600; overflow-wrap: anywhere; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--bg); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        td.empty { color: var(--muted); text-align: center; font-style: italic; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
        .badge.ok { color: #005c45; background: #e3f5ef; border-color: #009E73; }
        .badge.warning { color: #6b4a00; background: #fdf3dc; border-color: #E69F00; }
        .badge.firing { color: #fff; background: #D55E00; border-color: #D55E00; }
        .badge.resolved { color: #3b4650; background: #eef1f4; border-color: #8c959f; }
        .badge.pending { color: #00466e; background: #e4f2fb; border-color: #56B4E9; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
        figure.card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
        figure.card figcaption { font-weight: 600; margin-bottom: 6px; }
        figure.card p.note { margin: 6px 0 0; font-size: 12px; }
        svg.chart { display: block; width: 100%; height: auto; }
        @media (max-width: 560px) { .charts { grid-template-columns: 1fr; } main { padding: 12px; } }
        """
}
