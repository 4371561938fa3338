from jobforge.worker import Worker

worker = Worker()


@worker.handler("sample.echo")
def echo(job, ctx):  # type: ignore[no-untyped-def]
    return job.payload
