"""What the workbench shows: labels of tables in French or English, charts, and the execution of
the parameterized report notebooks (papermill) into ``outputs/``.

- :mod:`.labels`: column and value labels of every table, from the message catalog;
- :mod:`.escape`: text from data shown as text in HTML and Markdown (bidi controls isolated), and
  the reports' Content-Security-Policy;
- :mod:`.charts`: the report's static figures (Matplotlib);
- :mod:`.chart_specs`: the chart API, a chart described once (:class:`~.chart_specs.LineChart`),
  drawn by :func:`.charts.render_matplotlib` (reports) and :func:`.svg.render_svg` (dashboard);
- :mod:`.batch`: a report run, its folder written atomically, its jobs each in a module:
  :mod:`.notebooks` (papermill, timeouts), :mod:`.progress` (the run's phases), :mod:`.outputs`
  (what the notebook writes), :mod:`.export` (HTML, PDF), :mod:`.provenance` (``run.json``).

Messages themselves (codes, French and English) live in :mod:`workbench.messages`, below every
layer, since input errors are reported in them too.  Nothing is imported here.
"""
