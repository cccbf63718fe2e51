"""The work-record kit: everything a numbered work record shares, for
incidents and every practice after them.

A practice declares its record once and gets the three faces from the kit:

* ``services.RecordService``: the shared rules (state guards, transitions
  through the record's ``State.TRANSITIONS``, assignment to a group and a
  member, priority from the matrix and its override, affected CIs and
  services, comments and work notes, bulk); a practice subclasses it and
  adds its own rules through a few hooks.
* ``actions.Action``: one declaration of an operation (label, permission,
  the states it applies in, its input) that becomes an API route
  ``POST /<resource>/{ref}/<action>``, a button and dialog on the record's
  page, and a verb of the command line.
* ``api.RecordAPI``, ``views.RecordViews``, ``cli.RecordCommand``: the faces,
  configured by a few attributes.
* ``filtersets.WorkRecordFilterSet``, ``forms``, ``tables.RecordTable``: the
  shared filters, forms and list columns.

Services never import a face: faces call services.
"""
