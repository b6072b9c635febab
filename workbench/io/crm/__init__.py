"""Importing CRM exports: mapping files, the shipped presets, the importer and its report.

A CRM export (Salesforce, HubSpot, Zoho CRM, Jiandaoyun or any CRM described by a mapping
file) becomes the contract tables in these steps, one module each:

* :mod:`~workbench.io.crm.mapping`: the mapping language (TOML) and the presets in
  ``workbench/io/crm/presets/``;
* :mod:`~workbench.io.crm.files`: reading an export file, separating data rows from
  titles, summary lines and footers, folding sub-form rows, choosing the encoding;
* :mod:`~workbench.io.crm.assign`: which file feeds which table, which files are ignored;
* :mod:`~workbench.io.crm.missing`: rows without a required date (quarantine or a policy);
* :mod:`~workbench.io.crm.table`: export columns → typed, mapped fields of one table;
* :mod:`~workbench.io.crm.derive`: stable ids and the vendor-neutral fallback rules;
* :mod:`~workbench.io.crm.rules`: the built-in derivations across tables (reps from
  owners, outcomes, links, first touch, currency);
* :mod:`~workbench.io.crm.importer`: :func:`import_files`, which runs the steps and
  validates the result with :func:`workbench.io.validate_tables`;
* :mod:`~workbench.io.crm.report`: the text report of an import.

>>> from workbench.io.crm import preset_names
>>> preset_names()
['hubspot', 'jiandaoyun', 'salesforce', 'zoho']
"""

from workbench.errors import MappingError
from workbench.io.crm.importer import ImportResult, import_files
from workbench.io.crm.mapping import load_mapping, load_preset, preset_names

__all__ = ["import_files", "ImportResult", "load_mapping", "load_preset", "preset_names", "MappingError"]
