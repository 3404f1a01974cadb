"""How each article tells the story: loaded language, persuasion techniques, stance, frames.

``analyse_slant`` scores one article; ``outlet_profiles`` aggregates per outlet.
Everything shipped is a transparent lexicon or rule (see docs/slant.md for origins and licences).
"""

from counterpoint.slant.model import ArticleSlant, OutletProfile, SlantSpan
from counterpoint.slant.profiles import load_ratings, outlet_profiles
from counterpoint.slant.stage import analyse_slant, slant

__all__ = [
    "ArticleSlant",
    "OutletProfile",
    "SlantSpan",
    "analyse_slant",
    "load_ratings",
    "outlet_profiles",
    "slant",
]
