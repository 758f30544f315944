"""emit: the model → JSON (json.py), our XML (xml.py), Akoma Ntoso (akn.py)."""
