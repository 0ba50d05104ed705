"""`python -m hospital_faq.content ...` (scripts/content): the content team's commands."""
import sys

from hospital_faq.content.commands import main

sys.exit(main())
