"""``qmetl fetch``: notices from where they are published (list pages → notice pages → attachments)."""
