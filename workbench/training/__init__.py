"""Study sessions for trainers (学习课件): the case, the "what if" exercises, the quiz, the handout.

Model content lives here as plain functions (:mod:`.lesson`, :mod:`.exercises`, :mod:`.quiz`);
the projected pages are :mod:`.slides` and the widgets are in :mod:`workbench.ui.quiz` and
:mod:`workbench.ui.exercises`; :mod:`.handout` prints the same content to a PDF.
"""
