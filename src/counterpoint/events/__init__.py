"""Who did what to whom: events coded per sentence, merged per real event, relations over time.

* ``gazetteer`` / ``actors`` - names to countries and sectors;
* ``lexicon``  - event words to CAMEO codes, PLOVER types and Goldstein scores;
* ``coder``    - one parsed sentence to events, with mode, negation and hypotheticals;
* ``article``  - one article's sentences to event reports with dates and evidence;
* ``merge``    - the reports of one story scope to one record per real event;
* ``relations``- events to per-country-pair series.
"""
