"""The test suite. Before any of its modules builds an app (some do at import), the run gets its own instance folder.

Every app of the run, in this process or a live one (they inherit the environment), keeps its
instance folder there: a test run leaves no secret, queue or mail in the project's instance/ for
`make run` to find.
"""

import atexit
import os
import shutil
import tempfile

SCRATCH_INSTANCE = tempfile.mkdtemp(prefix="taskapi-test-instance-")
os.environ["TASKAPI_INSTANCE_PATH"] = SCRATCH_INSTANCE
atexit.register(shutil.rmtree, SCRATCH_INSTANCE, ignore_errors=True)
