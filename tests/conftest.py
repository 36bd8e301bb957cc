"""Shared test set-up: messages in English unless a test asks for Chinese (``i18n.use_language``)."""

import os

# The tests assert what a user of LANG=C sees; a developer's zh_CN locale must not change that.
os.environ["CONTRACTGEN_LANG"] = "en"
