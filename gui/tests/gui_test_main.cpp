// GoogleTest in a QApplication, on the offscreen platform unless the environment picks one,
// with the settings (recent files, window state) in a throwaway directory.
#include <gtest/gtest.h>

#include <QApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QThreadPool>

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("panicscope-tests");
    QApplication::setApplicationName("panicscope-gui-tests");
    QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    ::testing::InitGoogleTest(&argc, argv);
    const int status = RUN_ALL_TESTS();
    QThreadPool::globalInstance()->waitForDone();
    return status;
}
