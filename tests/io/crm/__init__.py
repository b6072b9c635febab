"""Tests of workbench.io.crm: mapping files, presets, export files and the import command."""
