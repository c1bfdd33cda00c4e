# Installs workshop-tui @VERSION@ from the wheels beside this script, with no internet:
# a virtual environment is made in .venv beside this script, and pip installs into it
# from .\wheels only (--no-index). Run it again to repair or upgrade; nothing else changes.
#
#   powershell -ExecutionPolicy Bypass -File install.ps1
#   (to choose the Python:  $env:PYTHON = 'C:\path\to\python.exe'  first)
$ErrorActionPreference = 'Stop'
$Here = $PSScriptRoot
$Venv = Join-Path $Here '.venv'
$Wheels = Join-Path $Here 'wheels'
$Fits = 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 13)))'

function Test-Python([string[]]$Command) {
    $ErrorActionPreference = 'Continue'  # a missing or stub python only means 'not this one'
    $rest = @($Command | Select-Object -Skip 1)
    try { & $Command[0] @rest -c $Fits 2>$null } catch { return $false }
    return ($LASTEXITCODE -eq 0)
}

$Python = $null
if ($env:PYTHON) {
    if (-not (Test-Python -Command @($env:PYTHON))) {
        Write-Error "PYTHON=$env:PYTHON is not Python @PYTHON_MIN@ to @PYTHON_MAX@ (the versions this kit holds wheels for)."
    }
    $Python = @($env:PYTHON)
} else {
    $candidates = @(@('py', '-3.13'), @('py', '-3.12'), @('py', '-3.11'), @('python'), @('python3'))
    foreach ($candidate in $candidates) {
        if ((Get-Command $candidate[0] -ErrorAction SilentlyContinue) -and (Test-Python -Command $candidate)) {
            $Python = $candidate; break
        }
    }
}
if (-not $Python) {
    Write-Error ("workshop-tui needs Python @PYTHONS@, and none was found. " +
        "Install one from python.org (tick 'Add python.exe to PATH'), then run this again.")
}

$rest = @($Python | Select-Object -Skip 1)
& $Python[0] @rest -m venv $Venv
if ($LASTEXITCODE -ne 0) { Write-Error "Could not create $Venv." }
# --isolated and PIP_CONFIG_FILE=nul: this laptop's own pip settings (a company index,
# a proxy) play no part; --no-index: nothing is fetched from anywhere.
$env:PIP_CONFIG_FILE = 'nul'
& (Join-Path $Venv 'Scripts\python.exe') -m pip install --isolated --no-index `
    --find-links $Wheels --disable-pip-version-check --upgrade workshop-tui
$code = $LASTEXITCODE
Remove-Item Env:\PIP_CONFIG_FILE
if ($code -ne 0) { Write-Error "pip could not install workshop-tui from $Wheels (see above)." }

Write-Host ''
Write-Host 'workshop-tui is installed. Start it with:'
Write-Host "  $(Join-Path $Venv 'Scripts\workshop-tui.exe')"
Write-Host "(or: $(Join-Path $Venv 'Scripts\python.exe') -m workshop_tui). See README.txt for where your data is kept."
