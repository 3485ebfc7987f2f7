# Build the Windows installer: the frozen program, then the Inno Setup package.
# Needs Python 3.11+ with the project installed (pip install -e .[build]) and Inno Setup 6 (iscc).
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
$ErrorActionPreference = "Stop"
$root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $root
python installer\build.py --smoke
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
$version = python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installer\windows\atelier.iss
exit $LASTEXITCODE
