"""`python -m hospital_faq.content.designer` (scripts/run starts it): see app.py."""
import sys

from hospital_faq.content.designer.app import main

sys.exit(main())
