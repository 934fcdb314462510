"""Cited question answering over Dutch policy documents (Agenda Veerkrachtige & Weerbare Samenleving)."""
